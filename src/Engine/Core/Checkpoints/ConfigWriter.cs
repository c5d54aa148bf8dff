using System.Text.Json.Nodes;
using Reef.Engine.Models;

namespace Reef.Engine.Checkpoints;

/// <summary>Writes a <see cref="ModelConfig"/> as the <c>config.json</c> transformers would write for its family.</summary>
public static class ConfigWriter
{
    /// <summary>The config.json object of <paramref name="c"/>.</summary>
    public static JsonObject ToJson(ModelConfig c, string torchDtype = "float32")
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(Architectures.ClassName(c.Architecture)),
            ["model_type"] = ModelType(c.Architecture),
            ["vocab_size"] = c.VocabSize,
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
            ["torch_dtype"] = torchDtype,
        };
        if (c.Architecture == Architecture.Gpt2)
        {
            json["n_embd"] = c.HiddenSize;
            json["n_layer"] = c.Layers;
            json["n_head"] = c.Heads;
            json["n_inner"] = c.IntermediateSize;
            json["n_positions"] = c.MaxPositions;
            json["layer_norm_epsilon"] = c.NormEps;
            json["activation_function"] = c.Activation;
            return json;
        }
        json["hidden_size"] = c.HiddenSize;
        json["intermediate_size"] = c.IntermediateSize;
        json["num_hidden_layers"] = c.Layers;
        json["num_attention_heads"] = c.Heads;
        json["num_key_value_heads"] = c.KvHeads;
        json["head_dim"] = c.HeadDim;
        json["max_position_embeddings"] = c.MaxPositions;
        json["rms_norm_eps"] = c.NormEps;
        json["rope_theta"] = c.Rope!.Theta;
        json["rope_scaling"] = c.Rope.Type == "default" ? null : new JsonObject
        {
            ["rope_type"] = c.Rope.Type, ["factor"] = c.Rope.Factor, ["low_freq_factor"] = c.Rope.LowFreqFactor,
            ["high_freq_factor"] = c.Rope.HighFreqFactor, ["original_max_position_embeddings"] = c.Rope.OriginalMaxPositions,
        };
        json[c.Architecture == Architecture.Gemma ? "hidden_activation" : "hidden_act"] = c.Activation;
        switch (c.Architecture)
        {
            case Architecture.Llama:
                json["attention_bias"] = c.AttentionBias;
                json["mlp_bias"] = c.MlpBias;
                break;
            case Architecture.Mistral:
                json["sliding_window"] = c.SlidingWindow;
                break;
            case Architecture.Qwen2:
                json["use_sliding_window"] = c.SlidingWindow != null;
                json["sliding_window"] = c.SlidingWindow ?? 4096;
                json["max_window_layers"] = c.MaxWindowLayers;
                break;
            case Architecture.Phi3:
                json["partial_rotary_factor"] = c.PartialRotaryFactor;
                json["sliding_window"] = c.SlidingWindow;
                break;
        }
        return json;
    }

    /// <summary>Writes config.json into <paramref name="directory"/>.</summary>
    public static void Write(string directory, ModelConfig config, string torchDtype = "float32")
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), ToJson(config, torchDtype).ToJsonString(new() { WriteIndented = true }));
    }

    static string ModelType(Architecture a) => a switch
    {
        Architecture.Llama => "llama", Architecture.Mistral => "mistral", Architecture.Qwen2 => "qwen2",
        Architecture.Gemma => "gemma", Architecture.Phi3 => "phi3", _ => "gpt2",
    };
}
