using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Gguf;

/// <summary>
/// How llama.cpp stores a Llama-family model (convert_hf_to_gguf.py's LlamaModel): its metadata keys, its tensor names
/// against Hugging Face's, and the reordering of Q and K rows it applies for its RoPE (llama.cpp rotates adjacent pairs,
/// transformers rotates halves), which reading undoes.
/// </summary>
public static class GgufLlamaLayout
{
    /// <summary>The GGUF architecture name.</summary>
    public const string Architecture = "llama";

    /// <summary>Hugging Face name → GGUF name for every tensor of a Llama checkpoint with <paramref name="config"/>.</summary>
    public static IReadOnlyDictionary<string, string> Names(ModelConfig config)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = "token_embd.weight",
            ["model.norm.weight"] = "output_norm.weight",
        };
        if (!config.TieWordEmbeddings) names["lm_head.weight"] = "output.weight";
        for (var i = 0; i < config.Layers; i++)
        {
            foreach (var (hf, gguf) in new[]
                     {
                         ("input_layernorm", "attn_norm"), ("self_attn.q_proj", "attn_q"), ("self_attn.k_proj", "attn_k"),
                         ("self_attn.v_proj", "attn_v"), ("self_attn.o_proj", "attn_output"), ("post_attention_layernorm", "ffn_norm"),
                         ("mlp.gate_proj", "ffn_gate"), ("mlp.up_proj", "ffn_up"), ("mlp.down_proj", "ffn_down"),
                     })
                names[$"model.layers.{i}.{hf}.weight"] = $"blk.{i}.{gguf}.weight";
        }
        return names;
    }

    /// <summary>The metadata llama.cpp reads for a Llama model's hyperparameters.</summary>
    public static IEnumerable<(string Key, object Value)> Metadata(ModelConfig c)
    {
        yield return ("general.architecture", Architecture);
        yield return ("llama.context_length", (uint)c.MaxPositions);
        yield return ("llama.embedding_length", (uint)c.HiddenSize);
        yield return ("llama.block_count", (uint)c.Layers);
        yield return ("llama.feed_forward_length", (uint)c.IntermediateSize);
        yield return ("llama.rope.dimension_count", (uint)c.HeadDim);
        yield return ("llama.attention.head_count", (uint)c.Heads);
        yield return ("llama.attention.head_count_kv", (uint)c.KvHeads);
        yield return ("llama.attention.layer_norm_rms_epsilon", (float)c.NormEps);
        yield return ("llama.rope.freq_base", (float)(c.Rope?.Theta ?? 10000));
        yield return ("llama.attention.key_length", (uint)c.HeadDim);
        yield return ("llama.attention.value_length", (uint)c.HeadDim);
        yield return ("llama.vocab_size", (uint)c.VocabSize);
    }

    /// <summary>The names of the config's fields in a Llama GGUF file's metadata, for errors.</summary>
    public static readonly ConfigKeys Keys = ConfigKeys.Gguf(Architecture);

    /// <summary>
    /// The config of a Llama GGUF file, from its metadata and tensor shapes: every value read with its type checked, and the
    /// whole held to the rules a config.json meets (<see cref="ModelLimits.Check"/>) before anything is built from it.
    /// </summary>
    public static ModelConfig Config(GgufFile file)
    {
        int Required(string key) => file.Count(key) ?? throw new InvalidInputException(file.Path, $"metadata '{key}' is missing");
        var hidden = Required(Keys.HiddenSize);
        var heads = Required(Keys.Heads);
        var kvHeads = file.Count(Keys.KvHeads) ?? heads;
        var headDim = file.Count(Keys.HeadDim) ?? hidden / heads;
        var embedding = file.Tensors.GetValueOrDefault("token_embd.weight")
                        ?? throw new InvalidInputException(file.Path, "has no tensor 'token_embd.weight'");
        if (embedding.Shape.Length != 2 || embedding.Shape[0] is <= 0 or > ModelLimits.MaxVocabSize)
            throw new InvalidInputException(file.Path, $"tensor 'token_embd.weight' has shape [{string.Join(", ", embedding.Shape)}], not [vocabulary of 1 to {ModelLimits.MaxVocabSize}, width]");
        var maxPositions = Required(Keys.MaxPositions);
        var ropeType = file.String("llama.rope.scaling.type") ?? "none";
        if (ropeType is not ("none" or "linear"))
            throw new InvalidInputException(file.Path, $"unsupported rope scaling '{ropeType}' (none and linear are read)");
        var factor = file.Number(Keys.RopeFactor) ?? 1;
        var config = new ModelConfig
        {
            Architecture = Models.Architecture.Llama, HiddenSize = hidden, IntermediateSize = Required(Keys.IntermediateSize),
            Layers = Required(Keys.Layers), Heads = heads, KvHeads = kvHeads, HeadDim = headDim,
            VocabSize = (int)embedding.Shape[0], MaxPositions = maxPositions,
            NormEps = file.Number(Keys.NormEps) ?? throw new InvalidInputException(file.Path, $"metadata '{Keys.NormEps}' is missing"),
            Rope = new RopeSettings(file.Number(Keys.RopeTheta) ?? 10000, ropeType == "linear" ? "linear" : "default", factor, 1, 4, maxPositions),
            // Biases are not read (a file with them is refused for its unknown tensors), as llama.cpp's llama architecture has none.
            AttentionBias = false, MlpBias = false,
            TieWordEmbeddings = !file.Tensors.ContainsKey("output.weight"), Activation = "silu",
        };
        ModelLimits.Check(config, file.Path, Keys);
        return config;
    }

    /// <summary>
    /// llama.cpp's order of a Q or K projection's rows [heads · d, in] from transformers': within each head, row pairs
    /// (i, i + d/2) become adjacent (convert_hf_to_gguf.py's permute).
    /// </summary>
    public static Tensor ToGguf(Tensor weight, int heads)
    {
        var rows = weight.shape[0];
        using var split = weight.reshape(heads, 2, rows / heads / 2, -1);
        using var swapped = split.transpose(1, 2);
        return swapped.reshape(weight.shape);
    }

    /// <summary>The inverse of <see cref="ToGguf"/>: transformers' row order from llama.cpp's.</summary>
    public static Tensor FromGguf(Tensor weight, int heads)
    {
        var rows = weight.shape[0];
        using var split = weight.reshape(heads, rows / heads / 2, 2, -1);
        using var swapped = split.transpose(1, 2);
        return swapped.reshape(weight.shape);
    }
}
