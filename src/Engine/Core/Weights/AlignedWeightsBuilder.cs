using System.Runtime.InteropServices;
using Reef.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// Computes a model's <see cref="AlignedWeights"/> as its blocks pass by, beside the signature and the evidence: the
/// anchors come from the signature's normalized byte-token rows, the factors from each kept layer's Q and K.
/// </summary>
public sealed class AlignedWeightsBuilder
{
    // Extra columns and power iterations of the randomized range finder: with these, the top 32 directions of a trained
    // projection come out to float32 accuracy.
    const int Oversample = 10;
    const int PowerIterations = 2;
    // Up to this many entries, a product's SVD is taken exactly (a 2,048² matrix: about a second).
    const long ExactEntries = 2048L * 2048;

    readonly NormFlavour _norm;
    readonly int _hidden, _rank, _heads, _kvHeads;
    readonly bool[] _present;
    readonly float[] _anchors;
    readonly int[] _kept;
    readonly float[] _factors;

    /// <param name="config">The model's shape.</param>
    /// <param name="norm">How its norms apply their weight (Gemma's 1 + g).</param>
    /// <param name="normalizedAnchors">The byte tokens' normalized embedding rows [256, d] (zero where absent).</param>
    /// <param name="present">Which byte tokens the vocabulary has.</param>
    public AlignedWeightsBuilder(ModelConfig config, NormFlavour norm, Tensor normalizedAnchors, bool[] present)
    {
        _norm = norm;
        _hidden = (int)normalizedAnchors.shape[1];
        _rank = Math.Min(AlignedWeights.MaxRank, _hidden);
        _present = present;
        using var anchors = normalizedAnchors.to(ScalarType.Float32).contiguous();
        _anchors = MemoryMarshal.Cast<byte, float>(anchors.bytes).ToArray();
        _kept = AlignedWeights.Kept(config.Layers);
        (_heads, _kvHeads) = (config.Heads, config.KvHeads);
        _factors = new float[_kept.Length * AlignedWeights.Kinds * _hidden * _rank];
    }

    /// <summary>Adds layer <paramref name="layer"/> if it is one of those kept.</summary>
    public void Layer(int layer, BlockWeights b)
    {
        var at = Array.IndexOf(_kept, layer);
        if (at < 0) return;
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var g = b.InputNorm.to(ScalarType.Float32);
        if (_norm == NormFlavour.RmsOnePlus) g = g.add(one, ScalarSafety.One);
        var (heads, kvHeads) = (_heads, _kvHeads);
        var group = heads / kvHeads;
        // Each as a product Left [d, k]·Right [k, d] over the heads' side, the norm's weight folded into the side that reads
        // the residual: QK = diag(g)·W_qᵀ·W_k·diag(g), VO = diag(g)·W_vᵀ·W_oᵀ (KV heads repeated for the query heads that share them).
        var q = b.Q.to(ScalarType.Float32);
        var k = ExpandRows(b.K.to(ScalarType.Float32), kvHeads, group);
        var v = ExpandRows(b.V.to(ScalarType.Float32), kvHeads, group);
        (Tensor Left, Tensor Right)[] products =
        [
            (q.T.mul(g.unsqueeze(1)), k.mul(g.unsqueeze(0))),
            (v.T.mul(g.unsqueeze(1)), b.O.to(ScalarType.Float32).T),
        ];
        for (var kind = 0; kind < AlignedWeights.Kinds; kind++)
        {
            var factor = GramFactor(products[kind].Left, products[kind].Right, _rank, seed: kind);
            var padded = factor.shape[1] == _rank ? factor : nn.functional.pad(factor, [0, _rank - factor.shape[1]]);
            using var values = padded.to(ScalarType.Float32).contiguous();
            MemoryMarshal.Cast<byte, float>(values.bytes).CopyTo(_factors.AsSpan((at * AlignedWeights.Kinds + kind) * _hidden * _rank, _hidden * _rank));
        }
    }

    public AlignedWeights Build() => new()
    {
        Hidden = _hidden, Rank = _rank, Present = _present, Anchors = _anchors, LayerIndices = _kept, Factors = _factors,
    };

    /// <summary>
    /// F [d, ≤ rank] with F·Fᵀ the best rank-r approximation of M·Mᵀ for M = left·right [d, d]: U·S of M's top singular
    /// directions, exactly where M is small, else by a randomized range finder with power iterations (seeded) that only
    /// multiplies by the two factors, so M is never formed.
    /// </summary>
    static Tensor GramFactor(Tensor left, Tensor right, int rank, long seed)
    {
        var d = left.shape[0];
        rank = (int)Math.Min(rank, d);
        Tensor u, s;
        if (d * d <= ExactEntries)
            (u, s, _) = linalg.svd(left.to(ScalarType.Float64).MatMul(right.to(ScalarType.Float64)), fullMatrices: false);
        else
        {
            Tensor Times(Tensor x) => left.MatMul(right.MatMul(x));
            Tensor TransposeTimes(Tensor y) => right.T.MatMul(left.T.MatMul(y));
            var generator = new Generator((ulong)(0xA1167_0000L + 2 * d + seed));
            var omega = randn([d, Math.Min(rank + Oversample, d)], ScalarType.Float32, generator: generator);
            var (q, _) = linalg.qr(Times(omega));
            for (var i = 0; i < PowerIterations; i++)
                (q, _) = linalg.qr(Times(TransposeTimes(q)));
            var (ub, sb, _) = linalg.svd(TransposeTimes(q).T.to(ScalarType.Float64), fullMatrices: false);
            (u, s) = (q.to(ScalarType.Float64).MatMul(ub), sb);
        }
        return u.narrow(1, 0, rank).mul(s.narrow(0, 0, rank).unsqueeze(0));
    }

    /// <summary>[kv·hd, d] → [heads·hd, d]: each KV head's rows repeated for the query heads that read it.</summary>
    static Tensor ExpandRows(Tensor t, int kvHeads, int group)
    {
        if (group == 1) return t;
        var headDim = t.shape[0] / kvHeads;
        return t.view(kvHeads, 1, headDim, t.shape[1]).expand(kvHeads, group, headDim, t.shape[1]).reshape(-1, t.shape[1]);
    }
}
