namespace Reef.Grains.Abstractions;

/// <summary>One tile of the registry matrix, keyed by its content; placed on any silo.</summary>
[Alias("reef.ITileGrain")]
public interface ITileGrain : IGrainWithStringKey
{
    /// <summary>Starts computing rows × cols if not running or done (result in the store under the tile's key); returns its state.</summary>
    [Alias("EnsureAsync")]
    Task<JobStatus> EnsureAsync(TileRequest request);
}

/// <summary>A model of a tile: its fingerprint's store key, and its weight signature's where it has one.</summary>
[GenerateSerializer, Immutable, Alias("reef.TileModel")]
public sealed record TileModel(string FingerprintKey, string? WeightSignatureKey);

/// <summary>A tile: its rows and columns, and the CKA kernel its REEF scores use (linear or rbf).</summary>
[GenerateSerializer, Immutable, Alias("reef.TileRequest")]
public sealed record TileRequest(IReadOnlyList<TileModel> Rows, IReadOnlyList<TileModel> Cols, string Kernel);
