namespace Reef.Engine.Models;

/// <summary>How a family normalizes the residual stream before attention and MLP.</summary>
public enum NormFlavour
{
    /// <summary>RMSNorm, weight × normalized (Llama, Mistral, Qwen2, Phi-3).</summary>
    Rms,
    /// <summary>RMSNorm with (1 + weight) (Gemma).</summary>
    RmsOnePlus,
    /// <summary>LayerNorm with weight and bias (GPT-2).</summary>
    LayerNorm,
}

/// <summary>
/// Everything in which one family's checkpoint differs from another's: tensor names, fused projections,
/// norm flavour, how embeddings enter. The decoder itself is one piece of code for all of them.
/// Names below the layer prefix are relative to <c>{LayerPrefix}{i}.</c>.
/// </summary>
public sealed record FamilyLayout(
    string EmbedTokens,
    string? EmbedPositions,
    string LayerPrefix,
    NormFlavour Norm,
    string InputNorm,
    string PostAttentionNorm,
    string? FusedQkv,
    string Q, string K, string V, string O,
    string? FusedGateUp,
    string? Gate, string Up, string Down,
    bool ConvWeights,
    bool ScaleEmbeddings,
    string FinalNorm)
{
    static readonly FamilyLayout LlamaLike = new(
        "model.embed_tokens", null, "model.layers.", NormFlavour.Rms, "input_layernorm", "post_attention_layernorm",
        null, "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
        null, "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", ConvWeights: false, ScaleEmbeddings: false, FinalNorm: "model.norm");

    /// <summary>The layout of <paramref name="architecture"/>; <paramref name="gpt2Prefix"/> is "transformer." or "" (both occur on the hub).</summary>
    public static FamilyLayout For(Architecture architecture, string gpt2Prefix = "transformer.") => architecture switch
    {
        Architecture.Llama or Architecture.Mistral or Architecture.Qwen2 => LlamaLike,
        // Gemma: (1 + w) norms and embeddings × √hidden.
        Architecture.Gemma => LlamaLike with { Norm = NormFlavour.RmsOnePlus, ScaleEmbeddings = true },
        // Phi-3 fuses q|k|v and gate|up (gate first).
        Architecture.Phi3 => LlamaLike with { FusedQkv = "self_attn.qkv_proj", FusedGateUp = "mlp.gate_up_proj", Gate = null, Up = "", },
        // GPT-2: Conv1D weights stored [in, out], fused c_attn, learned positions.
        _ => new FamilyLayout(
            gpt2Prefix + "wte", gpt2Prefix + "wpe", gpt2Prefix + "h.", NormFlavour.LayerNorm, "ln_1", "ln_2",
            "attn.c_attn", "", "", "", "attn.c_proj", null, null, "mlp.c_fc", "mlp.c_proj",
            ConvWeights: true, ScaleEmbeddings: false, FinalNorm: gpt2Prefix + "ln_f"),
    };
}
