using Reef.Engine.Models;

namespace Reef.Engine.Derivation;

/// <summary>Names of one layer's tensors, from the family's <see cref="FamilyLayout"/>.</summary>
public sealed record LayerNames(FamilyLayout Layout, int Index)
{
    string Prefix => $"{Layout.LayerPrefix}{Index}.";
    public string InputNorm => Prefix + Layout.InputNorm + ".weight";
    public string PostAttentionNorm => Prefix + Layout.PostAttentionNorm + ".weight";
    public string Q => Prefix + Layout.Q;
    public string K => Prefix + Layout.K;
    public string V => Prefix + Layout.V;
    public string O => Prefix + Layout.O;
    public string Gate => Prefix + Layout.Gate;
    public string Up => Prefix + Layout.Up;
    public string Down => Prefix + Layout.Down;
}

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
