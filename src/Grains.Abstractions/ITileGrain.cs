namespace Reef.Grains.Abstractions;

/// <summary>One tile of the registry matrix, keyed by its content; placed on any silo.</summary>
public interface ITileGrain : IGrainWithStringKey
{
    /// <summary>Starts computing rows × cols if not running or done (result in the store under the tile's key); returns its state.</summary>
    Task<JobStatus> EnsureAsync(TileRequest request);
}

/// <summary>A tile: the fingerprint keys of its rows and columns.</summary>
[GenerateSerializer, Immutable]
public sealed record TileRequest(IReadOnlyList<string> Rows, IReadOnlyList<string> Cols);
