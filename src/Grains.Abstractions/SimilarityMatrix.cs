namespace Reef.Grains.Abstractions;

/// <summary>
/// N × N scores, row-major: REEF-layer CKA (the paper's layer), best layer pair, mean CKA along the monotone layer
/// alignment, and the weight-signature score (NaN where the two models' weights cannot be compared). NaN where a
/// pair is not scored yet. <see cref="Facts"/> is null for a model added before the registry kept facts;
/// <see cref="Statements"/> (probe statements per fingerprint) is 0 for a registry stored before it was kept.
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.SimilarityMatrix")]
public sealed record SimilarityMatrix(IReadOnlyList<string> Ids, IReadOnlyList<string> FingerprintKeys, IReadOnlyList<ModelFacts?> Facts,
    string Kernel, int Statements, double[] Reef, double[] Best, double[] Alignment, double[] Weights)
{
    public double At(double[] scores, int i, int j) => scores[i * Ids.Count + j];
}
