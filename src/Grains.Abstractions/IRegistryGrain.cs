namespace Reef.Grains.Abstractions;

/// <summary>
/// The models of a registry and the similarity of its pairs (every pair, or the candidate pairs: see
/// <see cref="PairModes"/>), kept current as models arrive: an update computes only the tiles that touch new or
/// changed fingerprints. A registry scores with one CKA kernel.
/// </summary>
[Alias("reef.IRegistryGrain")]
public interface IRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds or replaces models (by id) and starts scoring the pairs not yet known as <paramref name="settings"/> say
    /// (a registry that already scores with another kernel reports an error); returns progress.
    /// </summary>
    [Alias("UpdateAsync")]
    Task<RegistryProgress> UpdateAsync(IReadOnlyList<RegistryEntry> models, RegistrySettings settings);

    /// <summary>Keeps an unfinished update running (a reactivated registry waits for this) and returns progress.</summary>
    [Alias("ContinueAsync")]
    Task<RegistryProgress> ContinueAsync();

    /// <summary>Progress; only looks.</summary>
    [Alias("GetProgressAsync")]
    Task<RegistryProgress> GetProgressAsync();

    /// <summary>Scores among <paramref name="ids"/> (all registry models when null), with each model's facts.</summary>
    [Alias("GetMatrixAsync")]
    Task<SimilarityMatrix> GetMatrixAsync(IReadOnlyList<string>? ids);

    /// <summary>The models among <paramref name="ids"/> (null: every model, by id) with their keys and facts, and how the registry scores.</summary>
    [Alias("GetModelsAsync")]
    Task<RegistryModels> GetModelsAsync(IReadOnlyList<string>? ids);

    /// <summary>
    /// A page of the scored pairs: those whose first fingerprint (in key order) is one of the registry's keys
    /// <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/>, each pair once. O(k) pairs a key, so
    /// no message grows with the square of the hub.
    /// </summary>
    [Alias("GetPairsAsync")]
    Task<RegistryPairPage> GetPairsAsync(int from, int count);

    /// <summary>
    /// Takes models out of the registry (a hub deleted them, or they were added by mistake): their ids, facts and — where
    /// no other id holds the same weights — their pairs and candidates. Returns the ids it held and removed. A later scan
    /// of a hub that still has them adds them again.
    /// </summary>
    [Alias("RemoveAsync")]
    Task<IReadOnlyList<string>> RemoveAsync(IReadOnlyList<string> ids);

    /// <summary>Remembers a scan of this registry, for <c>reef status</c>.</summary>
    [Alias("RecordScanAsync")]
    Task RecordScanAsync(string scanId);

    /// <summary>The scans recorded, oldest first.</summary>
    [Alias("GetScansAsync")]
    Task<IReadOnlyList<string>> GetScansAsync();
}
