namespace Reef.Engine.Models;

/// <summary>
/// The names a config's fields go by in one file format, so that an error points at the line to fix: Hugging Face's
/// config.json keys, or a GGUF file's metadata keys.
/// </summary>
public sealed record ConfigKeys(
    string Layers, string HiddenSize, string IntermediateSize, string Heads, string KvHeads, string HeadDim, string VocabSize,
    string MaxPositions, string NormEps, string RopeTheta, string RopeFactor)
{
    /// <summary>config.json of the rotary families (Llama, Mistral, Qwen2, Gemma, Phi-3).</summary>
    public static readonly ConfigKeys HuggingFace = new("num_hidden_layers", "hidden_size", "intermediate_size", "num_attention_heads",
        "num_key_value_heads", "head_dim", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta", "rope_scaling.factor");

    /// <summary>config.json of GPT-2.</summary>
    public static readonly ConfigKeys Gpt2 = HuggingFace with
    {
        Layers = "n_layer", HiddenSize = "n_embd", IntermediateSize = "n_inner", Heads = "n_head", KvHeads = "n_head", HeadDim = "n_embd / n_head",
        MaxPositions = "n_positions", NormEps = "layer_norm_epsilon",
    };

    /// <summary>The metadata keys llama.cpp writes for architecture <paramref name="arch"/> (the vocabulary is the embedding's rows).</summary>
    public static ConfigKeys Gguf(string arch) => new($"{arch}.block_count", $"{arch}.embedding_length", $"{arch}.feed_forward_length",
        $"{arch}.attention.head_count", $"{arch}.attention.head_count_kv", $"{arch}.attention.key_length", "rows of token_embd.weight",
        $"{arch}.context_length", $"{arch}.attention.layer_norm_rms_epsilon", $"{arch}.rope.freq_base", $"{arch}.rope.scaling.factor");

    /// <summary>The keys of a config of <paramref name="architecture"/> read from config.json.</summary>
    public static ConfigKeys For(Architecture architecture) => architecture == Architecture.Gpt2 ? Gpt2 : HuggingFace;
}
