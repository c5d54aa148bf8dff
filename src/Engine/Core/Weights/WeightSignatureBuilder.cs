using System.Runtime.InteropServices;
using Architecture = Reef.Engine.Models.Architecture;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// Computes a <see cref="WeightSignature"/> from the weights as they pass by: the embedding table first, then each block
/// as the decoder holds it. A pass that streams a checkpoint block by block computes the signature on the way, and no
/// weight is ever held whole in float64: projections are taken a slice of rows at a time.
/// </summary>
public sealed class WeightSignatureBuilder : IDisposable
{
    const int Cells = ByteAnchors.Count * ByteAnchors.Count;
    // Rows of a weight converted to float64 at once: 1,024 rows of an 11,008-wide down projection are 90 MB.
    const long RowsPerSlice = 1024;

    readonly ModelConfig _config;
    readonly NormFlavour _norm;
    readonly int[] _anchors;
    readonly bool[] _present;
    readonly float[] _invariants;
    Tensor? _x;

    WeightSignatureBuilder(ModelConfig config, NormFlavour norm, int[] anchors, bool[] present)
    {
        _config = config;
        _norm = norm;
        _anchors = anchors;
        _present = present;
        _invariants = new float[config.Layers * WeightSignature.Kinds * Cells];
    }

    /// <summary>
    /// A builder for <paramref name="model"/>, or null with the reason when it cannot give a signature (no tokenizer to find the
    /// byte tokens in, or too few of them in its vocabulary).
    /// </summary>
    public static WeightSignatureBuilder? TryStart(IWeightReader model, out string? reason) => TryStart(model.Config, model.ByteTokenIds(), out reason);

    /// <summary>A builder for a model of <paramref name="c"/> whose byte tokens have ids <paramref name="anchors"/> (null: no tokenizer).</summary>
    public static WeightSignatureBuilder? TryStart(ModelConfig c, int[]? anchors, out string? reason)
    {
        reason = null;
        if (anchors == null)
        {
            reason = "no tokenizer.json to find the byte tokens in";
            return null;
        }
        var present = anchors.Select(id => id >= 0 && id < c.VocabSize).ToArray();
        if (present.Count(p => p) < WeightSignature.MinimumAnchors)
        {
            reason = $"tokenizer has {present.Count(p => p)} of the 256 byte tokens (needs {WeightSignature.MinimumAnchors})";
            return null;
        }
        return new WeightSignatureBuilder(c, FamilyLayout.For(c.Architecture).Norm, anchors, present);
    }

    /// <summary>Adds the embedding and every block of weights loaded whole (the decoder's view of them).</summary>
    public void AddAll(DecoderWeights weights)
    {
        Embedding(weights.Embed);
        for (var layer = 0; layer < weights.Blocks.Count; layer++) Layer(layer, weights.Blocks[layer]);
    }

    /// <summary>The ids of the byte tokens the vocabulary has, ascending: the rows of the embedding table the signature reads.</summary>
    public long[] AnchorRows => _anchors.Where((id, i) => _present[i]).Select(id => (long)id).Distinct().Order().ToArray();

    /// <summary>
    /// Takes the byte tokens' rows of the embedding table [vocab, d] (any float dtype), normalized as the family's first norm
    /// normalizes them: RMS for RMSNorm, centred then RMS for LayerNorm. When <paramref name="rowOf"/> is given, the table holds
    /// only some rows of the embedding (at least <see cref="AnchorRows"/>), token id → row.
    /// </summary>
    public void Embedding(Tensor table, IReadOnlyDictionary<long, long>? rowOf = null)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var rows = tensor(_anchors.Select((id, i) => !_present[i] ? 0L : rowOf == null ? id : rowOf[id]).ToArray());
        var mask = tensor(_present).to(ScalarType.Float64).unsqueeze(1);
        var embedding = table.index_select(0, rows).to(ScalarType.Float64);
        if (_norm == NormFlavour.LayerNorm) embedding = embedding.Minus(embedding.mean([1L], keepdim: true));
        embedding = embedding.mul(mask);
        // Absent rows stay zero.
        using var zero = 0.ToScalar();
        var rms = embedding.Squared().mean([1L], keepdim: true).sqrt();
        _x?.Dispose();
        _x = embedding.div(rms.masked_fill(rms.eq(zero), one)).MoveToOuterDisposeScope();
    }

    /// <summary>A builder of the model's <see cref="AlignedWeights"/> on the byte tokens' rows taken by <see cref="Embedding"/>.</summary>
    public AlignedWeightsBuilder StartAligned() =>
        new(_config, _norm, _x ?? throw new InvalidOperationException("the embedding comes before the aligned weights"), _present);

    /// <summary>Adds layer <paramref name="layer"/>'s four invariants from its block's weights (any float dtype, any family's layout).</summary>
    public void Layer(int layer, BlockWeights b)
    {
        var x = _x ?? throw new InvalidOperationException("the embedding comes before the layers");
        var c = _config;
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        // LayerNorm families (GPT-2) read the residual through the norm's shift and add a bias to every projection; both are
        // part of what a block computes there and are kept. RMSNorm families' signatures are the weights' alone (biases,
        // where Qwen2 has them, left out), as they were before GPT-2 had one, so stored signatures stay comparable.
        var affine = _norm == NormFlavour.LayerNorm;
        Tensor Normed(Tensor g, Tensor? shift)
        {
            var g64 = g.to(ScalarType.Float64);
            if (_norm == NormFlavour.RmsOnePlus) g64 = g64.add(one, ScalarSafety.One);
            var normed = x.mul(g64.unsqueeze(0));
            return affine && shift is { } beta ? normed.Plus(beta.to(ScalarType.Float64).unsqueeze(0)) : normed;
        }
        Tensor Linear(Tensor input, Tensor w, Tensor? bias)
        {
            var projected = Project(input, w);
            return affine && bias is { } b0 ? projected.Plus(b0.to(ScalarType.Float64).unsqueeze(0)) : projected;
        }
        var group = c.Heads / c.KvHeads;
        var attention = Normed(b.InputNorm, b.InputNormBias);
        var mlp = Normed(b.PostAttentionNorm, b.PostAttentionNormBias);
        var q = Linear(attention, b.Q, b.QBias);
        var k = Expand(Linear(attention, b.K, b.KBias), c.KvHeads, group, c.HeadDim);
        var v = Expand(Linear(attention, b.V, b.VBias), c.KvHeads, group, c.HeadDim);
        var up = Linear(mlp, b.Up, b.UpBias);
        // The fourth term is the gate's Gram in a gated MLP, the up projection's in a plain one (GPT-2).
        var gate = b.Gate is { } g ? Linear(mlp, g, b.GateBias) : up;
        Tensor[] blocks =
        [
            q.MatMul(k.T),
            Linear(v, b.O, b.OBias).MatMul(x.T),
            Linear(up, b.Down, b.DownBias).MatMul(x.T),
            gate.MatMul(gate.T),
        ];
        for (var kind = 0; kind < WeightSignature.Kinds; kind++)
        {
            using var block = blocks[kind].to(ScalarType.Float32).contiguous();
            MemoryMarshal.Cast<byte, float>(block.bytes).CopyTo(_invariants.AsSpan((layer * WeightSignature.Kinds + kind) * Cells, Cells));
        }
    }

    /// <summary>Reads the embedding and every block through <paramref name="reader"/> in their stored dtype, one block held at a time.</summary>
    public void ReadFrom(IWeightReader reader)
    {
        ReadEmbedding(reader);
        DecoderWeights.ForEachBlock(reader, Layer);
    }

    /// <summary>Reads the byte tokens' rows of the embedding table through <paramref name="reader"/> (the rest streams past) and takes them.</summary>
    public void ReadEmbedding(IWeightReader reader)
    {
        var rows = AnchorRows;
        using var embedding = reader.ReadRows(reader.Plan().Layout.EmbedTokens + ".weight", rows);
        Embedding(embedding, rows.Select((id, i) => (id, (long)i)).ToDictionary());
    }

    /// <summary>The signature of every layer added.</summary>
    public WeightSignature Build() => new() { Layers = _config.Layers, Present = _present, Invariants = _invariants };

    /// <summary>a · wᵀ in float64 for a weight w [out, in] of any dtype, converting a slice of its rows at a time.</summary>
    static Tensor Project(Tensor a, Tensor w)
    {
        var rows = w.shape[0];
        var parts = new List<Tensor>();
        for (long at = 0; at < rows; at += RowsPerSlice)
        {
            using var slice = w.narrow(0, at, Math.Min(RowsPerSlice, rows - at)).to(ScalarType.Float64);
            parts.Add(a.MatMul(slice.T));
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 1);
    }

    /// <summary>[rows, kv·d] → [rows, heads·d]: each KV head repeated for the query heads that read it.</summary>
    static Tensor Expand(Tensor t, int kvHeads, int group, int headDim) =>
        group == 1 ? t : t.view(t.shape[0], kvHeads, 1, headDim).expand(t.shape[0], kvHeads, group, headDim).reshape(t.shape[0], -1);

    public void Dispose() => _x?.Dispose();
}
