using Reef.Engine.Checkpoints;
using Reef.Engine.Models;

namespace Reef.Engine.Weights;

/// <summary>
/// A model's weights reduced to terms that survive the function-preserving edits a derivative can hide behind
/// (after HuRef, Zeng et al. 2024): per layer, four 256 × 256 matrices over the byte tokens' normalized
/// embeddings x, with each norm's weight g folded into the projections that read it:
/// <list type="bullet">
/// <item>QK = (x·g)W_qᵀ · ((x·g)W_kᵀ)ᵀ, summed over heads (KV heads shared as GQA shares them),</item>
/// <item>VO = (x·g)W_vᵀ W_oᵀ xᵀ,</item>
/// <item>UD = (x·g′)W_upᵀ W_downᵀ xᵀ,</item>
/// <item>GG = (x·g′)W_gateᵀ ((x·g′)W_gateᵀ)ᵀ, or the same with W_up for a plain MLP (GPT-2).</item>
/// </list>
/// Every family's layout gives the same terms: fused projections (Phi-3's qkv_proj and gate_up_proj, GPT-2's c_attn) are
/// read as their parts and GPT-2's Conv1D weights transposed, as the decoder reads them. For LayerNorm (GPT-2) x is centred
/// as well as normalized, and the norm's shift and the projections' biases enter each product where the block adds them.
/// Permuting heads, channels or the residual stream, rotating the residual stream (RMSNorm weights folded),
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

    /// <summary>Byte tokens two models must share for their signatures to be compared.</summary>
    public const int MinimumAnchors = 128;

    /// <summary>
    /// The signature of a model (checkpoint folder or GGUF file), or null with the reason when it cannot give one (no
    /// tokenizer.json to find the byte tokens in, or too few byte tokens).
    /// </summary>
    public static WeightSignature? TryOf(string path, out string? reason)
    {
        using var reader = IWeightReader.Open(path);
        return TryOf(reader, out reason);
    }

    /// <inheritdoc cref="TryOf(string, out string?)"/>
    public static WeightSignature? TryOf(Checkpoint checkpoint, out string? reason)
    {
        using var reader = new CheckpointReader(checkpoint);
        return TryOf(reader, out reason);
    }

    static WeightSignature? TryOf(IWeightReader reader, out string? reason)
    {
        using var builder = WeightSignatureBuilder.TryStart(reader, out reason);
        if (builder == null) return null;
        builder.ReadFrom(reader);
        return builder.Build();
    }
}
