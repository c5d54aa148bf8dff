using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;

namespace Reef.TestSupport;

/// <summary>
/// Small configs of every supported family, chosen so each family's peculiarity is exercised: GQA and llama3
/// rope scaling (Llama), a sliding window shorter than the probes (Mistral), q/k/v biases (Qwen2), head_dim
/// from the config ≠ hidden/heads and (1 + w) norms (Gemma), fused projections and partial rotary (Phi-3),
/// Conv1D weights and learned positions (GPT-2).
/// </summary>
public static class TestModels
{
    static readonly int Vocab = ByteLevelTokenizer.VocabSize(0);

    // Learned once per process: BPE training is the slow part of writing such a model.
    static readonly Lazy<List<(string Left, string Right)>> Merges200 = new(() =>
        BpeTrainer.Train(string.Join("\n", Reef.Engine.Probes.DefaultProbes.Load().Probes.Select(p => p.Text!)), 200));

    public static ModelConfig Config(Architecture architecture) => architecture switch
    {
        Architecture.Llama => Base(architecture) with
        {
            KvHeads = 2, TieWordEmbeddings = true,
            Rope = new RopeSettings(10000, "llama3", Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 64),
        },
        Architecture.Mistral => Base(architecture) with { KvHeads = 2, SlidingWindow = 16, NormEps = 1e-6 },
        Architecture.Qwen2 => Base(architecture) with { KvHeads = 2, AttentionBias = true, NormEps = 1e-6, Rope = new RopeSettings(1000000, "default", 1, 1, 4, 256) },
        Architecture.Gemma => Base(architecture) with { KvHeads = 1, HeadDim = 16, Activation = "gelu_pytorch_tanh", TieWordEmbeddings = true, NormEps = 1e-6 },
        Architecture.Phi3 => Base(architecture) with { PartialRotaryFactor = 0.5 },
        _ => new ModelConfig
        {
            Architecture = Architecture.Gpt2, HiddenSize = 32, IntermediateSize = 96, Layers = 3, Heads = 4, KvHeads = 4, HeadDim = 8,
            VocabSize = Vocab, MaxPositions = 128, NormEps = 1e-5, AttentionBias = true, MlpBias = true, TieWordEmbeddings = true,
            Activation = "gelu_new",
        },
    };

    static ModelConfig Base(Architecture architecture) => new()
    {
        Architecture = architecture, HiddenSize = 32, IntermediateSize = 64, Layers = 3, Heads = 4, KvHeads = 4, HeadDim = 8,
        VocabSize = Vocab, MaxPositions = 128, NormEps = 1e-5, Rope = new RopeSettings(10000, "default", 1, 1, 4, 128),
        AttentionBias = false, MlpBias = false, TieWordEmbeddings = false, Activation = "silu",
    };

    public static IEnumerable<Architecture> All => Enum.GetValues<Architecture>();

    /// <summary>Writes a random checkpoint of <paramref name="architecture"/> and returns its folder.</summary>
    public static string Write(string directory, Architecture architecture, long seed = 11, Dtype dtype = Dtype.F32, int shards = 1) 
    {
        RandomModel.WriteCheckpoint(directory, Config(architecture), seed, dtype, shards, std: 0.15);
        return directory;
    }

    /// <summary>
    /// A Llama as a hub's GGUF re-uploads start from: default RoPE, untied head, a byte-level BPE tokenizer with 200 merges
    /// learned from the built-in probes (so ids are not bytes alone). <paramref name="hidden"/> 256 lets K-quants apply.
    /// </summary>
    public static string WriteLlamaWithMerges(string directory, long seed = 9, int hidden = 64, int ffn = 160, int layers = 4, int heads = 4)
    {
        var merges = Merges200.Value;
        var config = RandomModel.SmallLlama(hidden, layers, heads, kvHeads: heads / 2, ffn) with { VocabSize = ByteLevelTokenizer.VocabSize(merges.Count) };
        RandomModel.WriteCheckpoint(directory, config, seed);
        ByteLevelTokenizer.Write(directory, merges);
        return directory;
    }
}
