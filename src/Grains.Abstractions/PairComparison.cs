namespace Reef.Grains.Abstractions;

/// <summary>CKA of every layer pair, row-major [LayersA × LayersB], and the summaries the verdict uses; the comparison grain's stored state.</summary>
[GenerateSerializer, Immutable, Alias("reef.PairComparison")]
public sealed record PairComparison
{
    [Id(0)] public required int LayersA { get; init; }
    [Id(1)] public required int LayersB { get; init; }
    [Id(2)] public required double[] Matrix { get; init; }
    [Id(3)] public required int ReefLayerA { get; init; }
    [Id(4)] public required int ReefLayerB { get; init; }
    [Id(5)] public required double Reef { get; init; }
    [Id(6)] public required int BestLayerA { get; init; }
    [Id(7)] public required int BestLayerB { get; init; }
    [Id(8)] public required double Best { get; init; }
    [Id(9)] public required double AlignmentMean { get; init; }
}
