using Reef.Engine.Similarity;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// The aligned weight score of two models (after AWM, "Weight-based model provenance", ICLR 2026): match the hidden
/// dimensions of the two (a linear assignment on the correlation of their byte tokens' embedding columns, each match with its
/// sign), then compare each layer's QK and VO forms (<see cref="AlignedWeights"/>) by unbiased linear CKA over the matched
/// hidden dimensions, and take the mean along the best monotone layer alignment. Where the invariant products
/// (<see cref="WeightSimilarity"/>) read a model's changes through its embedding, this compares the projections themselves,
/// so a derivative whose embedding drifted far (continued pre-training) still matches dimension by dimension. Permuted or
/// sign-flipped hidden dimensions are matched back; anything done on the heads' side cancels in the forms. A rotation of the
/// residual stream is not undone: there the invariant products still hold.
/// </summary>
public static class AlignedWeightScore
{
    /// <summary>Why two models cannot be given an aligned score, or null when they can.</summary>
    public static string? InvalidReason(AlignedWeights? a, AlignedWeights? b)
    {
        if (a == null || b == null) return "no aligned weights";
        if (a.Hidden != b.Hidden) return $"hidden sizes differ ({a.Hidden} and {b.Hidden})";
        var shared = a.Present.Zip(b.Present).Count(p => p.First && p.Second);
        return shared < WeightSignature.MinimumAnchors ? $"only {shared} shared byte tokens" : null;
    }

    /// <summary>The score, NaN where the two cannot be compared (<see cref="InvalidReason"/>).</summary>
    public static double Score(AlignedWeights? a, AlignedWeights? b) =>
        LayerMatrix(a, b) is { } m ? LayerAlignment.Best(m).Mean : double.NaN;

    /// <summary>
    /// Mean CKA of the QK and VO forms for the pairs of kept layers the alignment can use (all of them when the depths differ;
    /// the diagonal when they agree, the only monotone alignment then, the rest NaN); null where not comparable.
    /// </summary>
    public static double[,]? LayerMatrix(AlignedWeights? a, AlignedWeights? b)
    {
        if (InvalidReason(a, b) != null) return null;
        var (match, signs) = MatchDimensions(a!, b!);
        var sameDepth = a!.KeptLayers == b!.KeptLayers;
        var result = new double[a.KeptLayers, b.KeptLayers];
        var permuted = new GramFactor?[b.KeptLayers, AlignedWeights.Kinds];
        for (var i = 0; i < a.KeptLayers; i++)
        for (var j = 0; j < b.KeptLayers; j++)
        {
            if (sameDepth && i != j)
            {
                result[i, j] = double.NaN;
                continue;
            }
            double sum = 0;
            for (var kind = 0; kind < AlignedWeights.Kinds; kind++)
                sum += a.Gram(i, kind).Cka(permuted[j, kind] ??= b.Gram(j, kind).Rows(match, signs));
            result[i, j] = sum / AlignedWeights.Kinds;
        }
        return result;
    }

    /// <summary>
    /// For each hidden dimension i of <paramref name="a"/>, the dimension of <paramref name="b"/> it matches and the sign of
    /// their correlation over the byte tokens both vocabularies have.
    /// </summary>
    public static (int[] Match, double[] Signs) MatchDimensions(AlignedWeights a, AlignedWeights b)
    {
        var shared = Enumerable.Range(0, ByteAnchors.Count).Where(t => a.Present[t] && b.Present[t]).ToArray();
        var d = a.Hidden;
        double[] values;
        using (NewDisposeScope())
        {
            using var za = tensor(Standardized(a, shared)).view(shared.Length, d);
            using var zb = tensor(Standardized(b, shared)).view(shared.Length, d);
            values = za.T.MatMul(zb).data<double>().ToArray();
        }
        var gain = new double[d, d];
        for (var i = 0; i < d; i++)
        for (var j = 0; j < d; j++)
            gain[i, j] = double.IsFinite(values[i * d + j]) ? Math.Abs(values[i * d + j]) : 0;
        var match = LinearAssignment.Maximize(gain);
        return (match, match.Select((j, i) => values[i * d + j] < 0 ? -1.0 : 1.0).ToArray());
    }

    /// <summary>The anchors' rows <paramref name="tokens"/> [t, d] in float64, each column centred and scaled to unit norm (a constant column stays zero).</summary>
    static double[] Standardized(AlignedWeights w, int[] tokens)
    {
        var d = w.Hidden;
        var z = new double[tokens.Length * d];
        for (var c = 0; c < d; c++)
        {
            double mean = 0;
            foreach (var t in tokens) mean += w.Anchors[t * d + c];
            mean /= tokens.Length;
            double squares = 0;
            for (var r = 0; r < tokens.Length; r++)
            {
                var v = w.Anchors[tokens[r] * d + c] - mean;
                z[r * d + c] = v;
                squares += v * v;
            }
            if (squares == 0) continue;
            var scale = 1 / Math.Sqrt(squares);
            for (var r = 0; r < tokens.Length; r++) z[r * d + c] *= scale;
        }
        return z;
    }
}
