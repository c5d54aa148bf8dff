namespace Reef.Engine.Models;

/// <summary>
/// Every size and constant of a decoder, normalized from a Hugging Face <c>config.json</c>
/// (see <see cref="Checkpoints.ConfigReader"/>). Layers read nothing else.
/// </summary>
public sealed record ModelConfig
{
    public required Architecture Architecture { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositions { get; init; }
    public required double NormEps { get; init; }
    /// <summary>Rotary settings; null for learned absolute positions (GPT-2).</summary>
    public RopeSettings? Rope { get; init; }
    /// <summary>Fraction of each head's dimensions that rotate (Phi-3's partial_rotary_factor).</summary>
    public double PartialRotaryFactor { get; init; } = 1.0;
    /// <summary>Sliding attention window, where the architecture uses one; null for full causal attention.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>Qwen2: layers from this index on use the sliding window.</summary>
    public int MaxWindowLayers { get; init; }
    public required bool AttentionBias { get; init; }
    public required bool MlpBias { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    /// <summary>Activation of the MLP (silu, gelu_pytorch_tanh, gelu_new, gelu, relu).</summary>
    public required string Activation { get; init; }

    /// <summary>Dimensions of each head that rotary embeddings touch.</summary>
    public int RotaryDim => (int)(HeadDim * PartialRotaryFactor);

    /// <summary>Number of parameters in the decoder blocks and embeddings (no LM head).</summary>
    public long ParameterCount
    {
        get
        {
            long d = HiddenSize, attn = d * HeadDim * (Heads + 2L * KvHeads) + (long)Heads * HeadDim * d;
            long mlp = Architecture == Architecture.Gpt2 ? 2 * d * IntermediateSize : 3 * d * IntermediateSize;
            return (long)VocabSize * d + Layers * (attn + mlp);
        }
    }

    /// <summary>Multiply-accumulates of one token through every block (for GFLOP/s figures).</summary>
    public long MacsPerToken => ParameterCount - (long)VocabSize * HiddenSize;
}
