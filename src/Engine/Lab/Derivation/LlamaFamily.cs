using Reef.Engine.Models;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// The checkpoints the structural edits (permute, scale, rotate, structured prune) rewrite: Llama, Mistral,
/// Qwen2 and Gemma, which share one layout of separate projections. Other families get a clear refusal.
/// </summary>
public static class LlamaFamily
{
    static readonly FamilyLayout Layout = FamilyLayout.For(Architecture.Llama);

    public static string Embed => Layout.EmbedTokens + ".weight";
    public static string FinalNorm => Layout.FinalNorm + ".weight";
    public const string LmHead = "lm_head.weight";

    /// <summary>Names of layer <paramref name="i"/>.</summary>
    public static LayerNames Layer(int i) => new(Layout, i);

    /// <summary>Throws unless <paramref name="config"/> is a family <paramref name="op"/> can rewrite.</summary>
    public static void Require(ModelConfig config, string op, string path)
    {
        if (config.Architecture is not (Architecture.Llama or Architecture.Mistral or Architecture.Qwen2 or Architecture.Gemma))
            throw new InvalidInputException(path,
                $"'{op}' rewrites Llama-family checkpoints (Llama, Mistral, Qwen2, Gemma); this is {Architectures.ClassName(config.Architecture)}");
    }
}
