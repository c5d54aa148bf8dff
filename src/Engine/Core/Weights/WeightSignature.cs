using System.Runtime.InteropServices;
using Architecture = Reef.Engine.Models.Architecture;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// A model's weights reduced to terms that survive the function-preserving edits a derivative can hide behind
/// (after HuRef, Zeng et al. 2024): per layer, four 256 × 256 matrices over the byte tokens' normalized
/// embeddings x, with each RMSNorm's weight g folded into the projections that read it:
/// <list type="bullet">
/// <item>QK = (x·g)W_qᵀ · ((x·g)W_kᵀ)ᵀ, summed over heads (KV heads shared as GQA shares them),</item>
/// <item>VO = (x·g)W_vᵀ W_oᵀ xᵀ,</item>
/// <item>UD = (x·g′)W_upᵀ W_downᵀ xᵀ,</item>
/// <item>GG = (x·g′)W_gateᵀ ((x·g′)W_gateᵀ)ᵀ.</item>
/// </list>
/// Permuting heads, channels or the residual stream, rotating the residual stream (norm weights folded),
/// and rescaling Q/K, V/O or up/down pairs all cancel in these products; the embedding's own scale
/// cancels in the row normalization. Models trained independently share none of it.
/// </summary>
public sealed class WeightSignature
{
    /// <summary>Version of what the signature computes; stored signatures of another method are never compared.</summary>
    public const string Method = "reef/byte-anchor-invariants/v1";

    /// <summary>QK, VO, UD, GG.</summary>
    public const int Kinds = 4;
    const int Cells = ByteAnchors.Count * ByteAnchors.Count;

    public required int Layers { get; init; }
    /// <summary>Which byte tokens the model's vocabulary has.</summary>
    public required bool[] Present { get; init; }
    /// <summary>[layer, kind, 256, 256] row-major, zero in rows and columns of absent bytes.</summary>
    public required float[] Invariants { get; init; }

    public ReadOnlySpan<float> Block(int layer, int kind) => Invariants.AsSpan((layer * Kinds + kind) * Cells, Cells);

    /// <summary>
    /// The signature of a checkpoint, or null with the reason when its weights cannot give one (a layout other
    /// than Llama's separate projections, or no tokenizer.json to find the byte tokens in).
    /// </summary>
    public static WeightSignature? TryOf(string directory, out string? reason) => TryOf(Checkpoint.Open(directory), out reason);

    /// <inheritdoc cref="TryOf(string, out string?)"/>
    public static WeightSignature? TryOf(Checkpoint checkpoint, out string? reason)
    {
        var c = checkpoint.Config;
        reason = null;
        if (c.Architecture is not (Architecture.Llama or Architecture.Mistral or Architecture.Qwen2 or Architecture.Gemma))
        {
            reason = $"weight signature reads separate q/k/v/o and gate/up/down projections; {Architectures.ClassName(c.Architecture)} fuses or stores them otherwise";
            return null;
        }
        if (checkpoint.TokenizerPath is not { } tokenizer)
        {
            reason = "no tokenizer.json to find the byte tokens in";
            return null;
        }
        var anchors = ByteAnchors.Read(tokenizer, checkpoint.Limits.MaxTokenizerBytes);
        var present = anchors.Select(id => id >= 0 && id < c.VocabSize).ToArray();
        if (present.Count(p => p) < MinimumAnchors)
        {
            reason = $"tokenizer has {present.Count(p => p)} of the 256 byte tokens (needs {MinimumAnchors})";
            return null;
        }
        return new WeightSignature { Layers = c.Layers, Present = present, Invariants = Compute(checkpoint, anchors, present) };
    }

    /// <summary>Byte tokens two models must share for their signatures to be compared.</summary>
    public const int MinimumAnchors = 128;

    static float[] Compute(Checkpoint checkpoint, int[] anchors, bool[] present)
    {
        var c = checkpoint.Config;
        var layout = FamilyLayout.For(c.Architecture);
        var streams = new Dictionary<string, FileStream>();
        try
        {
            Tensor Read(string name)
            {
                if (!checkpoint.Tensors.TryGetValue(name, out var found))
                    throw new InvalidInputException(checkpoint.Directory, $"has no tensor '{name}'");
                if (!streams.TryGetValue(found.File.Path, out var stream))
                    streams[found.File.Path] = stream = InputFiles.OpenRegular(found.File.Path, "weight file");
                using var raw = found.File.Read(found.Entry, stream);
                return raw.to(ScalarType.Float64);
            }

            var result = new float[c.Layers * Kinds * Cells];
            using var scope = NewDisposeScope();
            using var one = 1.ToScalar();
            Tensor Norm(string name) => layout.Norm == NormFlavour.RmsOnePlus ? Read(name).add(one, ScalarSafety.One) : Read(name);

            var rows = tensor(anchors.Select(id => Math.Max(id, 0)).Select(i => (long)i).ToArray());
            var mask = tensor(present).to(ScalarType.Float64).unsqueeze(1);
            var embedding = Read(layout.EmbedTokens + ".weight").index_select(0, rows).mul(mask);
            // Row RMS normalization, as the first RMSNorm of each block applies it; absent rows stay zero.
            var rms = embedding.square().mean([1L], keepdim: true).sqrt();
            var x = embedding.div(rms.masked_fill(rms.eq(0), one));
            var group = c.Heads / c.KvHeads;
            for (var l = 0; l < c.Layers; l++)
            {
                using var layerScope = NewDisposeScope();
                var n = new LayerNames(layout, l);
                var attention = x.mul(Norm(n.InputNorm).unsqueeze(0));
                var mlp = x.mul(Norm(n.PostAttentionNorm).unsqueeze(0));
                var q = attention.matmul(Read(n.Q + ".weight").T);
                var k = Expand(attention.matmul(Read(n.K + ".weight").T), c.KvHeads, group, c.HeadDim);
                var v = Expand(attention.matmul(Read(n.V + ".weight").T), c.KvHeads, group, c.HeadDim);
                var up = mlp.matmul(Read(n.Up + ".weight").T);
                var gate = mlp.matmul(Read(n.Gate + ".weight").T);
                Tensor[] blocks =
                [
                    q.matmul(k.T),
                    v.matmul(Read(n.O + ".weight").T).matmul(x.T),
                    up.matmul(Read(n.Down + ".weight").T).matmul(x.T),
                    gate.matmul(gate.T),
                ];
                for (var kind = 0; kind < Kinds; kind++)
                {
                    using var block = blocks[kind].to(ScalarType.Float32).contiguous();
                    MemoryMarshal.Cast<byte, float>(block.bytes).CopyTo(result.AsSpan((l * Kinds + kind) * Cells, Cells));
                }
            }
            return result;
        }
        finally
        {
            foreach (var s in streams.Values) s.Dispose();
        }
    }

    /// <summary>[rows, kv·d] → [rows, heads·d]: each KV head repeated for the query heads that read it.</summary>
    static Tensor Expand(Tensor t, int kvHeads, int group, int headDim) =>
        group == 1 ? t : t.view(t.shape[0], kvHeads, 1, headDim).expand(t.shape[0], kvHeads, group, headDim).reshape(t.shape[0], -1);
}
