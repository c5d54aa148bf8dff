namespace Reef.Engine.Weights;

/// <summary>
/// What a model's raw weights say about how it was made, in a few kilobytes per layer, for typing and directing the edges
/// of a provenance graph (the signature, by design, is blind to all of this):
/// <list type="bullet">
/// <item><b>Zero fraction</b> per projection: unstructured pruning leaves exact zeros that training never does.</item>
/// <item><b>Levels per row</b> (median, over sampled rows, of the distinct values in a row): a quantized model has at most
/// 2^bits of them, a trained one nearly one per entry; and the <b>distinct fraction</b>, distinct non-zero values over
/// non-zero entries, which tells quantization (entries share levels) from pruning (fewer entries, each its own).</item>
/// <item><b>Sketch</b> of each projection W [out, in]: Uᵀ·W·V with U [out, 16], V [in, 16] seeded by the dimensions alone, so
/// every model of the same shape is sketched by the same map. Linear in W, so a merge's sketch is the same mix of its
/// parents' sketches (<see cref="WeightEvidenceMath.Mix(WeightEvidence, IReadOnlyList{WeightEvidence})"/> recovers the weights) and sketch distances estimate weight
/// distances (a fine-tune is near its parent; a permuted or rotated copy, far from it while its signature is equal).</item>
/// </list>
/// Projections are q, k, v, o, gate, up, down in nn.Linear orientation; a plain MLP (GPT-2) has no gate (its cells NaN).
/// </summary>
public sealed class WeightEvidence
{
    /// <summary>Version of what the evidence computes; evidence of another method is never compared.</summary>
    public const string Method = "reef/weight-evidence/v1";

    /// <summary>q, k, v, o, gate, up, down.</summary>
    public const int Kinds = 7;

    /// <summary>Side of each projection's sketch: SketchSide × SketchSide numbers.</summary>
    public const int SketchSide = 16;

    public const int SketchCells = SketchSide * SketchSide;

    public static readonly string[] KindNames = ["q", "k", "v", "o", "gate", "up", "down"];

    public required int Layers { get; init; }

    /// <summary>[layer, kind]: each projection's [out, in], so that only sketches of the same map are compared.</summary>
    public required int[] Shapes { get; init; }

    /// <summary>[layer, kind]: fraction of entries exactly zero.</summary>
    public required float[] ZeroFraction { get; init; }

    /// <summary>[layer, kind]: median number of distinct values in a sampled row.</summary>
    public required float[] LevelsPerRow { get; init; }

    /// <summary>
    /// [layer, kind]: median over sampled rows of distinct non-zero values over non-zero entries: 1 for trained and pruned
    /// weights (every surviving entry its own value), well below for quantized ones (entries share grid levels).
    /// </summary>
    public required float[] DistinctFraction { get; init; }

    /// <summary>
    /// [layer, kind]: median over sampled rows of the fraction of non-zero entries smaller than 5 % of the row's RMS: about 4 %
    /// for trained weights (a smooth density at 0), none for magnitude-pruned ones (the small were zeroed), far more for a
    /// model trained on from a pruned one (the zeroed entries grow back from 0).
    /// </summary>
    public required float[] SmallFraction { get; init; }

    /// <summary>[layer, kind]: each projection's Frobenius norm, the scale its sketched changes are measured against.</summary>
    public required float[] Norms { get; init; }

    /// <summary>[layer, kind, SketchCells]: Uᵀ·W·V.</summary>
    public required float[] Sketch { get; init; }

    /// <summary>What the aligned weight score compares (<see cref="AlignedWeightScore"/>); null where the model has no byte tokens to match its dimensions on.</summary>
    public AlignedWeights? Aligned { get; init; }

    double[]? _flat;

    /// <summary>The sketch in float64 with absent projections as zeros, made once: what mixes are fitted on.</summary>
    internal double[] FlatSketch => _flat ??= Sketch.Select(v => float.IsNaN(v) ? 0.0 : v).ToArray();

    public ReadOnlySpan<float> SketchOf(int layer, int kind) => Sketch.AsSpan((layer * Kinds + kind) * SketchCells, SketchCells);

    /// <summary>The projection's [out, in] (0, 0 where the family has none).</summary>
    public (int Out, int In) Shape(int layer, int kind) => (Shapes[2 * (layer * Kinds + kind)], Shapes[2 * (layer * Kinds + kind) + 1]);

    /// <summary>Mean zero fraction over the projections present.</summary>
    public double Sparsity => Present().Average(i => (double)ZeroFraction[i]);

    /// <summary>Median levels per row over the projections present.</summary>
    public double MedianLevels
    {
        get
        {
            var levels = Present().Select(i => (double)LevelsPerRow[i]).Order().ToList();
            return levels.Count == 0 ? double.NaN : levels[levels.Count / 2];
        }
    }

    /// <summary>Median distinct fraction over the projections present (<see cref="DistinctFraction"/>).</summary>
    public double MedianDistinctFraction
    {
        get
        {
            var fractions = Present().Select(i => (double)DistinctFraction[i]).Order().ToList();
            return fractions.Count == 0 ? double.NaN : fractions[fractions.Count / 2];
        }
    }

    /// <summary>Median small fraction over the projections present (<see cref="SmallFraction"/>).</summary>
    public double MedianSmallFraction
    {
        get
        {
            var fractions = Present().Select(i => (double)SmallFraction[i]).Order().ToList();
            return fractions.Count == 0 ? double.NaN : fractions[fractions.Count / 2];
        }
    }

    /// <summary>Whether two models' sketches are maps of the same shapes, so that their sketches can be compared.</summary>
    public bool SameShapes(WeightEvidence other) => Layers == other.Layers && Shapes.AsSpan().SequenceEqual(other.Shapes);

    /// <summary>The evidence of the model at <paramref name="path"/> (checkpoint folder or GGUF file), in one read of its blocks.</summary>
    public static WeightEvidence Of(string path)
    {
        using var reader = Checkpoints.IWeightReader.Open(path);
        return Inspection.CheckpointPass.Run(reader, probes: null, Models.ComputeOptions.Cpu, weightEvidence: true).WeightEvidence!;
    }

    IEnumerable<int> Present() => Enumerable.Range(0, Layers * Kinds).Where(i => Shapes[2 * i] > 0);
}
