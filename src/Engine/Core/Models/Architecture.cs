namespace Reef.Engine.Models;

/// <summary>The decoder families ReefCluster runs, by their Hugging Face class name.</summary>
public enum Architecture { Llama, Mistral, Qwen2, Gemma, Phi3, Gpt2 }

/// <summary>Maps Hugging Face <c>architectures</c> / <c>model_type</c> names to <see cref="Architecture"/>.</summary>
public static class Architectures
{
    static readonly Dictionary<string, Architecture> ByName = new(StringComparer.Ordinal)
    {
        ["LlamaForCausalLM"] = Architecture.Llama, ["llama"] = Architecture.Llama,
        ["MistralForCausalLM"] = Architecture.Mistral, ["mistral"] = Architecture.Mistral,
        ["Qwen2ForCausalLM"] = Architecture.Qwen2, ["qwen2"] = Architecture.Qwen2,
        ["GemmaForCausalLM"] = Architecture.Gemma, ["gemma"] = Architecture.Gemma,
        ["Phi3ForCausalLM"] = Architecture.Phi3, ["phi3"] = Architecture.Phi3,
        ["GPT2LMHeadModel"] = Architecture.Gpt2, ["gpt2"] = Architecture.Gpt2,
    };

    /// <summary>The supported class names, for error messages and the README.</summary>
    public static IEnumerable<string> SupportedClassNames =>
        ByName.Keys.Where(k => char.IsUpper(k[0]));

    /// <summary>Looks a class name or model_type up; null when unsupported.</summary>
    public static Architecture? Find(string name) => ByName.TryGetValue(name, out var a) ? a : null;

    /// <summary>The Hugging Face class name of an architecture.</summary>
    public static string ClassName(Architecture a) => a switch
    {
        Architecture.Llama => "LlamaForCausalLM",
        Architecture.Mistral => "MistralForCausalLM",
        Architecture.Qwen2 => "Qwen2ForCausalLM",
        Architecture.Gemma => "GemmaForCausalLM",
        Architecture.Phi3 => "Phi3ForCausalLM",
        _ => "GPT2LMHeadModel",
    };
}
