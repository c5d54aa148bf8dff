using Reef.Engine.Models;

namespace Reef.Engine.Derivation;

/// <summary>
/// Tensor names of the Llama-family checkpoints (Llama, Mistral, Qwen2, Gemma) that the structural edits
/// (permute, scale, rotate, structured prune) rewrite. Other families get a clear refusal.
/// </summary>
public sealed record LlamaLayerNames(string Prefix)
{
    public string InputNorm => Prefix + "input_layernorm.weight";
    public string PostAttentionNorm => Prefix + "post_attention_layernorm.weight";
    public string Q => Prefix + "self_attn.q_proj";
    public string K => Prefix + "self_attn.k_proj";
    public string V => Prefix + "self_attn.v_proj";
    public string O => Prefix + "self_attn.o_proj";
    public string Gate => Prefix + "mlp.gate_proj";
    public string Up => Prefix + "mlp.up_proj";
    public string Down => Prefix + "mlp.down_proj";
}

/// <summary>Which checkpoints the structural edits accept, and their names.</summary>
public static class LlamaFamily
{
    public const string Embed = "model.embed_tokens.weight";
    public const string FinalNorm = "model.norm.weight";
    public const string LmHead = "lm_head.weight";

    /// <summary>Names of layer <paramref name="i"/>.</summary>
    public static LlamaLayerNames Layer(int i) => new($"model.layers.{i}.");

    /// <summary>Throws unless <paramref name="config"/> is a family <paramref name="op"/> can rewrite.</summary>
    public static void Require(ModelConfig config, string op, string path)
    {
        if (config.Architecture is not (Architecture.Llama or Architecture.Mistral or Architecture.Qwen2 or Architecture.Gemma))
            throw new InvalidInputException(path,
                $"'{op}' rewrites Llama-family checkpoints (Llama, Mistral, Qwen2, Gemma); this is {Architectures.ClassName(config.Architecture)}");
    }
}
