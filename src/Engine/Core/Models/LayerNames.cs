namespace Reef.Engine.Models;

/// <summary>
/// The Hugging Face names of one decoder layer's tensors in a family with separate projections (Llama, Mistral,
/// Qwen2, Gemma), from its <see cref="FamilyLayout"/>: what the weight signature reads and the structural edits rewrite.
/// </summary>
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
