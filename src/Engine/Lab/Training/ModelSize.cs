using Reef.Engine.Models;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Lab.Training;

/// <summary>Sizes of the small Llama-architecture models ReefCluster trains for itself.</summary>
/// <param name="Name">quick or full.</param>
/// <param name="Hidden">Residual width.</param>
/// <param name="Layers">Decoder blocks.</param>
/// <param name="Heads">Query heads (KV heads are half).</param>
/// <param name="Ffn">MLP width.</param>
/// <param name="Merges">BPE merges learned from the corpus.</param>
/// <param name="Steps">Pre-training steps.</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="SequenceLength">Tokens per sequence.</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="CorpusBytes">Text read from each corpus.</param>
public sealed record ModelSize(string Name, int Hidden, int Layers, int Heads, int Ffn, int Merges, int Steps, int BatchSize,
    int SequenceLength, double LearningRate, long CorpusBytes)
{
    public static ModelSize Quick { get; } = new("quick", 64, 4, 4, 176, 512, 500, 16, 96, 3e-3, 1_500_000);
    public static ModelSize Full { get; } = new("full", 128, 4, 4, 344, 1024, 1200, 24, 128, 2e-3, 4_000_000);

    public static ModelSize Parse(string name) => name switch
    {
        "quick" => Quick,
        "full" => Full,
        _ => throw new ArgumentException($"size must be quick or full, not '{name}'"),
    };

    /// <summary>The Llama config of this size. The context holds any probe statement whole.</summary>
    public ModelConfig Config => new()
    {
        Architecture = Architecture.Llama, HiddenSize = Hidden, IntermediateSize = Ffn, Layers = Layers, Heads = Heads,
        KvHeads = Heads / 2, HeadDim = Hidden / Heads, VocabSize = ByteLevelTokenizer.VocabSize(Merges), MaxPositions = 512,
        NormEps = 1e-5, Rope = new RopeSettings(10000, "default", 1, 1, 4, 512), AttentionBias = false, MlpBias = false,
        TieWordEmbeddings = false, Activation = "silu",
    };

    public TrainingOptions Options(long seed) => new(Steps, BatchSize, SequenceLength, LearningRate, seed);
}
