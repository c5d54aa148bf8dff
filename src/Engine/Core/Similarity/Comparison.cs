using Reef.Engine.Fingerprints;

namespace Reef.Engine.Similarity;

/// <summary>A layer pair and its CKA.</summary>
public sealed record LayerScore(int LayerA, int LayerB, double Cka);

/// <summary>
/// Everything a comparison of two fingerprints says: the layer-by-layer matrix and its summaries, and the
/// verdict with the thresholds and score it was judged on.
/// </summary>
public sealed record Comparison
{
    /// <summary>REEF's layer: 18 of Llama-2-7B's 32, taken at the same relative depth in any model.</summary>
    public const double ReefRelativeDepth = 18.0 / 32.0;

    public required ModelIdentity A { get; init; }
    public required ModelIdentity B { get; init; }
    public required Kernel Kernel { get; init; }
    public required Preprocessing Preprocessing { get; init; }
    public required int Statements { get; init; }
    public required string ProbeHash { get; init; }
    /// <summary>CKA[layer of A][layer of B].</summary>
    public required double[][] Matrix { get; init; }
    public required LayerScore ReefLayer { get; init; }
    public required LayerScore BestPair { get; init; }
    public required IReadOnlyList<LayerScore> Alignment { get; init; }
    public required double AlignmentMean { get; init; }
    /// <summary>Same-layer CKA where both models have the layer.</summary>
    public required IReadOnlyList<double> Diagonal { get; init; }
    public required Verdict Verdict { get; init; }
    /// <summary>Which score the verdict judged.</summary>
    public string VerdictScore => "reef_layer";
    public required VerdictThresholds Thresholds { get; init; }

    /// <summary>Compares two fingerprints.</summary>
    public static Comparison Of(Fingerprint a, Fingerprint b, Kernel kernel = Kernel.Linear,
        Preprocessing preprocessing = Preprocessing.Standardized, VerdictThresholds? thresholds = null)
    {
        var m = LayerMatrix.Compute(a, b, kernel, preprocessing);
        int la = a.Layers, lb = b.Layers;
        var summary = LayerSummary.Of(m);
        thresholds ??= VerdictThresholds.Default;
        return new Comparison
        {
            A = a.Model, B = b.Model, Kernel = kernel, Preprocessing = preprocessing, Statements = a.Count, ProbeHash = a.ProbeHash,
            Matrix = Enumerable.Range(0, la).Select(i => Enumerable.Range(0, lb).Select(j => m[i, j]).ToArray()).ToArray(),
            ReefLayer = summary.ReefLayer, BestPair = summary.BestPair,
            Alignment = summary.Alignment.Select(p => new LayerScore(p.A, p.B, m[p.A, p.B])).ToList(), AlignmentMean = summary.AlignmentMean,
            Diagonal = Enumerable.Range(0, Math.Min(la, lb)).Select(i => m[i, i]).ToList(),
            Verdict = Probes.ProbeRequirements.InsufficientForVerdict(a.Count) != null ? Verdict.Insufficient : thresholds.Judge(summary.ReefLayer.Cka),
            Thresholds = thresholds,
        };
    }

    /// <summary>The layer at REEF's relative depth in a model of <paramref name="layers"/> blocks.</summary>
    public static int ReefLayerIndex(int layers) => Math.Clamp((int)Math.Round(ReefRelativeDepth * layers, MidpointRounding.AwayFromZero), 0, layers - 1);
}
