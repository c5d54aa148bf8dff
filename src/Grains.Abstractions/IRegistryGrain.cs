namespace Reef.Grains.Abstractions;

/// <summary>
/// The models of a registry and the similarity of every pair, kept current as models arrive: an update
/// computes only the tiles that touch new or changed fingerprints.
/// </summary>
public interface IRegistryGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces models (by id) and starts scoring the pairs not yet known; returns progress.</summary>
    Task<RegistryProgress> UpdateAsync(IReadOnlyList<RegistryEntry> models);

    /// <summary>Keeps an unfinished update running (a reactivated registry waits for this) and returns progress.</summary>
    Task<RegistryProgress> ContinueAsync();

    /// <summary>Progress; only looks.</summary>
    Task<RegistryProgress> GetProgressAsync();

    /// <summary>Scores among <paramref name="ids"/> (all registry models when null).</summary>
    Task<SimilarityMatrix> GetMatrixAsync(IReadOnlyList<string>? ids);

    /// <summary>Remembers a scan of this registry, for <c>reef status</c>.</summary>
    Task RecordScanAsync(string scanId);

    Task<IReadOnlyList<string>> GetScansAsync();
}

/// <summary>A registry model: its id and the store key of its fingerprint.</summary>
[GenerateSerializer, Immutable]
public sealed record RegistryEntry(string Id, string FingerprintKey);

/// <summary>How far the registry matrix is.</summary>
[GenerateSerializer, Immutable]
public sealed record RegistryProgress(int Models, int TilesDone, int TilesTotal, bool Ready, string? Error);

/// <summary>
/// N × N scores, row-major: REEF-layer CKA (what the verdict judges), best layer pair, and mean CKA along
/// the monotone layer alignment. NaN where a pair is not scored yet.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SimilarityMatrix(IReadOnlyList<string> Ids, IReadOnlyList<string> FingerprintKeys, double[] Reef, double[] Best, double[] Alignment)
{
    public double At(double[] scores, int i, int j) => scores[i * Ids.Count + j];
}
