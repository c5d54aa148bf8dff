namespace Reef.Grains.Abstractions;

/// <summary>
/// One pair of fingerprints, keyed <c>KEY_A|KEY_B</c>: the whole layer-by-layer CKA matrix and its summaries,
/// for when a scan is asked for per-pair matrices or a user looks closely at one suspect.
/// </summary>
[Alias("reef.IComparisonGrain")]
public interface IComparisonGrain : IGrainWithStringKey
{
    /// <summary>The pair's layer matrix, computed from the stored fingerprints on the first call and kept.</summary>
    [Alias("GetAsync")]
    Task<PairComparison> GetAsync();
}
