using Reef.Engine.Similarity;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// The aligned weight score of two models (after AWM, "Weight-based model provenance", ICLR 2026): match the hidden
/// dimensions of the two (a linear assignment on the correlation of their byte tokens' embedding columns, each match with its
/// sign), then compare each layer's QK and VO forms (<see cref="AlignedWeights"/>) by unbiased linear CKA over the matched hidden dimensions, and take the mean along
/// the best monotone layer alignment. Where the invariant products (<see cref="WeightSimilarity"/>) sum a model's changes
/// through the embedding, this compares the projections themselves, so a derivative whose embedding drifted far
/// (continued pre-training) still matches dimension by dimension. Permuted or sign-flipped hidden dimensions are matched
/// back; anything done to the heads' side cancels in the Gram of the hidden dimensions. A rotation of the residual stream
/// is not undone: there the invariant products still hold.
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

    /// <summary>Mean CKA of QK and VO for every pair of kept layers, after matching the hidden dimensions; null where not comparable.</summary>
    public static double[,]? LayerMatrix(AlignedWeights? a, AlignedWeights? b)
    {
        if (InvalidReason(a, b) != null) return null;
        using var scope = NewDisposeScope();
        var (match, signs) = MatchDimensions(a!, b!);
        var fa = Factors(a!, null, null);
        var fb = Factors(b!, match, signs);
        var result = new double[a!.KeptLayers, b!.KeptLayers];
        for (var i = 0; i < a.KeptLayers; i++)
        for (var j = 0; j < b.KeptLayers; j++)
        {
            double sum = 0;
            for (var kind = 0; kind < AlignedWeights.Kinds; kind++) sum += fa[i, kind].Cka(fb[j, kind]);
            result[i, j] = sum / AlignedWeights.Kinds;
        }
        return result;
    }

    /// <summary>
    /// For each hidden dimension i of <paramref name="a"/>, the dimension of <paramref name="b"/> it matches and the sign of
    /// their correlation over the byte tokens both vocabularies have.
    /// </summary>
    public static (long[] Match, double[] Signs) MatchDimensions(AlignedWeights a, AlignedWeights b)
    {
        using var scope = NewDisposeScope();
        var shared = Enumerable.Range(0, ByteAnchors.Count).Where(t => a.Present[t] && b.Present[t]).Select(t => (long)t).ToArray();
        var correlation = Standardized(a, shared).T.matmul(Standardized(b, shared)).cpu();
        var d = a.Hidden;
        var values = correlation.data<double>().ToArray();
        var gain = new double[d, d];
        for (var i = 0; i < d; i++)
        for (var j = 0; j < d; j++)
            gain[i, j] = double.IsFinite(values[i * d + j]) ? Math.Abs(values[i * d + j]) : 0;
        var match = LinearAssignment.Maximize(gain);
        var signs = match.Select((j, i) => values[i * d + j] < 0 ? -1.0 : 1.0).ToArray();
        return (match.Select(j => (long)j).ToArray(), signs);
    }

    /// <summary>The anchors' rows <paramref name="tokens"/> [t, d], each column centred and scaled to unit norm (a constant column stays zero).</summary>
    static Tensor Standardized(AlignedWeights w, long[] tokens)
    {
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        var rows = tensor(w.Anchors).view(ByteAnchors.Count, w.Hidden).index_select(0, tensor(tokens)).to(ScalarType.Float64);
        var centred = rows.Minus(rows.mean([0L], keepdim: true));
        var norms = centred.norm(0, keepdim: true);
        return centred.div(norms.masked_fill(norms.eq(zero), one));
    }

    /// <summary>Each kept layer's factors, the rows of <paramref name="w"/> put in <paramref name="match"/>'s order with their signs (null: as stored).</summary>
    static GramFactor[,] Factors(AlignedWeights w, long[]? match, double[]? signs)
    {
        var result = new GramFactor[w.KeptLayers, AlignedWeights.Kinds];
        var order = match == null ? null : tensor(match);
        var flip = signs == null ? null : tensor(signs).unsqueeze(1);
        for (var layer = 0; layer < w.KeptLayers; layer++)
        for (var kind = 0; kind < AlignedWeights.Kinds; kind++)
        {
            var f = tensor(w.Factor(layer, kind).ToArray()).view(w.Hidden, w.Rank).to(ScalarType.Float64);
            if (order is { } o && flip is { } s) f = f.index_select(0, o).mul(s);
            result[layer, kind] = new GramFactor(f);
        }
        return result;
    }

    /// <summary>
    /// A Gram matrix K = F·Fᵀ over n samples held as its factor, with what unbiased HSIC (Song et al. 2012) needs of it, so
    /// that HSIC of two such Grams costs O(n·r²) and the n × n matrices are never formed.
    /// </summary>
    sealed class GramFactor
    {
        readonly Tensor _f, _diagonal, _offDiagonalRowSums;
        readonly double _offDiagonalSum, _self;
        readonly long _n;

        public GramFactor(Tensor f)
        {
            _f = f;
            _n = f.shape[0];
            _diagonal = f.square().sum(1);
            var columnSums = f.sum([0L]);
            _offDiagonalRowSums = f.matmul(columnSums).Minus(_diagonal);
            _offDiagonalSum = columnSums.dot(columnSums).item<double>() - _diagonal.sum().item<double>();
            _self = Hsic(this);
        }

        /// <summary>Unbiased linear CKA: HSIC(K, L) / √(HSIC(K, K)·HSIC(L, L)); NaN where either Gram has no variation.</summary>
        public double Cka(GramFactor other)
        {
            var denominator = Math.Sqrt(_self * other._self);
            return _self > 0 && other._self > 0 ? Hsic(other) / denominator : double.NaN;
        }

        double Hsic(GramFactor other)
        {
            double n = _n;
            var cross = _f.T.matmul(other._f).square().sum().item<double>() - _diagonal.dot(other._diagonal).item<double>();
            var sums = _offDiagonalSum * other._offDiagonalSum / ((n - 1) * (n - 2));
            var rows = 2 / (n - 2) * _offDiagonalRowSums.dot(other._offDiagonalRowSums).item<double>();
            return (cross + sums - rows) / (n * (n - 3));
        }
    }
}
