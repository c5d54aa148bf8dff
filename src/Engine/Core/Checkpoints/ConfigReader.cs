using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Engine.Models;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> into a <see cref="ModelConfig"/>, with each family's defaults
/// as its configuration class in transformers declares them.
/// </summary>
public static class ConfigReader
{
    /// <summary>Reads and validates <paramref name="path"/>, a regular file of at most <paramref name="maxBytes"/>.</summary>
    public static ModelConfig Read(string path, long maxBytes = 64L << 20)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InvalidInputException(path, "config.json is missing");
        var bytes = InputFiles.ReadAllBytes(path, "config.json", maxBytes);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(bytes) as JsonObject
                ?? throw new InvalidInputException(path, "config.json is not a JSON object");
        }
        catch (JsonException e) { throw new InvalidInputException(path, $"config.json is not valid JSON ({e.Message})"); }
        try { return Parse(path, json); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw new InvalidInputException(path, $"config.json has a field of the wrong type ({e.Message})");
        }
    }

    static ModelConfig Parse(string path, JsonObject c)
    {
        var names = (c["architectures"] as JsonArray)?.Select(n => n?.GetValue<string>()).OfType<string>().ToList() ?? [];
        var modelType = Str(c, "model_type");
        var arch = names.Select(Architectures.Find).FirstOrDefault(a => a != null)
                   ?? (modelType != null ? Architectures.Find(modelType) : null);
        if (arch == null)
        {
            var named = names.Count > 0 ? string.Join(", ", names) : modelType ?? "none given";
            throw new InvalidInputException(path,
                $"unsupported architecture '{named}'; supported: {string.Join(", ", Architectures.SupportedClassNames)}");
        }
        var config = arch == Architecture.Gpt2 ? ParseGpt2(path, c) : ParseRotary(path, c, arch.Value);
        ModelLimits.Check(config, path);
        return config;
    }

    static ModelConfig ParseRotary(string path, JsonObject c, Architecture arch)
    {
        var hidden = Required(path, c, "hidden_size");
        var heads = Required(path, c, "num_attention_heads");
        var isGemma = arch == Architecture.Gemma;
        var headDim = Int(c, "head_dim") ?? (isGemma ? 256 : hidden / Math.Max(1, heads));
        var maxPositions = Int(c, "max_position_embeddings") ?? arch switch
        {
            Architecture.Mistral => 4096 * 32, Architecture.Phi3 => 4096, Architecture.Gemma => 8192, _ => 2048,
        };
        var sliding = arch switch
        {
            Architecture.Mistral => Int(c, "sliding_window"),
            Architecture.Qwen2 => Bool(c, "use_sliding_window") == true ? Int(c, "sliding_window") ?? 4096 : null,
            Architecture.Phi3 => Int(c, "sliding_window"),
            _ => null,
        };
        var activation = isGemma
            ? Str(c, "hidden_activation") ?? "gelu_pytorch_tanh"
            : Str(c, "hidden_act") ?? "silu";
        return new ModelConfig
        {
            Architecture = arch,
            HiddenSize = hidden,
            IntermediateSize = Required(path, c, "intermediate_size"),
            Layers = Required(path, c, "num_hidden_layers"),
            Heads = heads,
            KvHeads = Int(c, "num_key_value_heads") ?? heads,
            HeadDim = headDim,
            VocabSize = Required(path, c, "vocab_size"),
            MaxPositions = maxPositions,
            NormEps = Double(c, "rms_norm_eps") ?? (arch == Architecture.Phi3 ? 1e-5 : 1e-6),
            Rope = ReadRope(path, c, maxPositions),
            PartialRotaryFactor = Double(c, "partial_rotary_factor") ?? 1.0,
            SlidingWindow = sliding,
            MaxWindowLayers = Int(c, "max_window_layers") ?? 28,
            AttentionBias = arch == Architecture.Qwen2 || Bool(c, "attention_bias") == true,
            MlpBias = Bool(c, "mlp_bias") == true,
            TieWordEmbeddings = Bool(c, "tie_word_embeddings") ?? isGemma,
            Activation = activation,
        };
    }

    static ModelConfig ParseGpt2(string path, JsonObject c)
    {
        var hidden = Required(path, c, "n_embd");
        var heads = Required(path, c, "n_head");
        // Attention-scale variants the decoder does not implement: refuse rather than fingerprint a different function.
        if (Bool(c, "scale_attn_by_inverse_layer_idx") == true)
            throw new InvalidInputException(path, "GPT-2 with scale_attn_by_inverse_layer_idx is not supported");
        if (Bool(c, "scale_attn_weights") == false)
            throw new InvalidInputException(path, "GPT-2 with scale_attn_weights false is not supported");
        return new ModelConfig
        {
            Architecture = Architecture.Gpt2,
            HiddenSize = hidden,
            IntermediateSize = Int(c, "n_inner") ?? 4 * hidden,
            Layers = Required(path, c, "n_layer"),
            Heads = heads,
            KvHeads = heads,
            HeadDim = hidden / Math.Max(1, heads),
            VocabSize = Required(path, c, "vocab_size"),
            MaxPositions = Int(c, "n_positions") ?? 1024,
            NormEps = Double(c, "layer_norm_epsilon") ?? 1e-5,
            AttentionBias = true,
            MlpBias = true,
            TieWordEmbeddings = Bool(c, "tie_word_embeddings") ?? true,
            Activation = Str(c, "activation_function") ?? "gelu_new",
        };
    }

    static RopeSettings ReadRope(string path, JsonObject c, int maxPositions)
    {
        // transformers v5 moves theta and scaling into rope_parameters; older configs use rope_theta/rope_scaling.
        var parameters = c["rope_parameters"] as JsonObject;
        var scaling = c["rope_scaling"] as JsonObject ?? parameters;
        var theta = Double(parameters ?? c, "rope_theta") ?? Double(c, "rope_theta") ?? 10000.0;
        var type = scaling == null ? "default" : Str(scaling, "rope_type") ?? Str(scaling, "type") ?? "default";
        if (type is not ("default" or "linear" or "dynamic" or "llama3"))
            throw new InvalidInputException(path, $"unsupported rope scaling type '{type}' (supported: default, linear, dynamic, llama3)");
        return new RopeSettings(
            theta, type,
            Factor: scaling != null ? Double(scaling, "factor") ?? 1.0 : 1.0,
            LowFreqFactor: scaling != null ? Double(scaling, "low_freq_factor") ?? 1.0 : 1.0,
            HighFreqFactor: scaling != null ? Double(scaling, "high_freq_factor") ?? 4.0 : 4.0,
            OriginalMaxPositions: scaling != null ? Int(scaling, "original_max_position_embeddings") ?? maxPositions : maxPositions);
    }

    static int Required(string path, JsonObject c, string name) =>
        Int(c, name) ?? throw new InvalidInputException(path, $"config.json has no '{name}'");

    /// <summary>A whole number that fits an int, or null when absent; 1e20 or 2.5 is refused, never saturated or cut.</summary>
    static int? Int(JsonObject c, string name)
    {
        if (c[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return null;
        var d = v.GetValue<double>();
        return double.IsFinite(d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue ? (int)d
            : throw new FormatException($"'{name}' is {v.ToJsonString()}, not a whole number that fits in 32 bits");
    }
    static double? Double(JsonObject c, string name) => c[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
    static bool? Bool(JsonObject c, string name) => c[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;
    static string? Str(JsonObject c, string name) => c[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
