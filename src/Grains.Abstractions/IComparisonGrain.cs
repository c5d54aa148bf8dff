namespace Reef.Grains.Abstractions;

/// <summary>
/// One pair of fingerprints, keyed <c>KEY_A|KEY_B</c>: the whole layer-by-layer CKA matrix and its summaries,
/// for when a scan is asked for per-pair matrices or a user looks closely at one suspect.
/// </summary>
public interface IComparisonGrain : IGrainWithStringKey
{
    Task<PairComparison> GetAsync();
}

/// <summary>CKA of every layer pair, row-major [LayersA × LayersB], and the summaries the verdict uses.</summary>
[GenerateSerializer, Immutable]
public sealed record PairComparison(int LayersA, int LayersB, double[] Matrix, int ReefLayerA, int ReefLayerB, double Reef,
    int BestLayerA, int BestLayerB, double Best, double AlignmentMean);
