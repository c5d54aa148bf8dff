using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// Freshly initialized checkpoints of any supported family, with every tensor a real checkpoint of that
/// family has (names from <see cref="WeightPlan"/>). Used for parity tests and as the starting point of training.
/// </summary>
public static class RandomModel
{
    /// <summary>Random weights: linear and embedding N(0, <paramref name="std"/>); norm weights near their identity; biases small.</summary>
    public static Dictionary<string, Tensor> Weights(ModelConfig config, long seed, double std = 0.02)
    {
        var generator = new Generator((ulong)seed);
        var layout = FamilyLayout.For(config.Architecture);
        return new WeightPlan(config, layout).All().ToDictionary(t => t.Name, t => Make(t.Name, t.Shape, layout, generator, std), StringComparer.Ordinal);
    }

    static Tensor Make(string name, long[] shape, FamilyLayout layout, Generator generator, double std)
    {
        using var normSpread = 0.1.ToScalar();
        using var biasSpread = 0.02.ToScalar();
        using var spread = std.ToScalar();
        var isNorm = shape.Length == 1 && (name.Contains("norm") || name.Contains("ln_"));
        if (isNorm && name.EndsWith(".weight"))
        {
            // Gemma stores w for (1 + w): identity is 0. Others store the scale itself: identity is 1.
            using var identity = (layout.Norm == NormFlavour.RmsOnePlus ? 0.0 : 1.0).ToScalar();
            using var noise = randn(shape, generator: generator).mul(normSpread);
            return noise.add(identity, ScalarSafety.One);
        }
        using var unit = randn(shape, generator: generator);
        return unit.mul(shape.Length == 1 ? biasSpread : spread);
    }

    /// <summary>
    /// Writes a random checkpoint of any size — one made tensor in memory at a time, sharded as save_pretrained shards
    /// (<paramref name="maxShardBytes"/>) — with a byte-level BPE tokenizer of <paramref name="merges"/> (none: bytes only).
    /// For benchmarks at real models' shapes: the weights are random, the sizes and layout real.
    /// </summary>
    public static void WriteLarge(string directory, ModelConfig config, long seed, Dtype dtype, long maxShardBytes = 5_000_000_000,
        IReadOnlyList<(string Left, string Right)>? merges = null, IProgress<ProgressUpdate>? progress = null)
    {
        var generator = new Generator((ulong)seed);
        var layout = FamilyLayout.For(config.Architecture);
        var tensors = new WeightPlan(config, layout).All().ToList();
        var done = 0;
        ConfigWriter.Write(directory, config, dtype == Dtype.BF16 ? "bfloat16" : dtype == Dtype.F16 ? "float16" : "float32");
        SafetensorsWriter.WriteCheckpoint(directory, tensors, dtype, name =>
        {
            progress?.Report(new ProgressUpdate("write", ++done, tensors.Count, "tensors"));
            return Make(name, tensors.First(t => t.Name == name).Shape, layout, generator, 0.02);
        }, maxShardBytes);
        ByteLevelTokenizer.Write(directory, merges);
    }

    /// <summary>Writes a complete random checkpoint (config, weights, byte-level tokenizer) to <paramref name="directory"/>.</summary>
    public static void WriteCheckpoint(string directory, ModelConfig config, long seed, Dtype dtype = Dtype.F32, int shards = 1, double std = 0.02)
    {
        var weights = Weights(config, seed, std);
        try
        {
            ConfigWriter.Write(directory, config, dtype == Dtype.BF16 ? "bfloat16" : dtype == Dtype.F16 ? "float16" : "float32");
            SafetensorsWriter.WriteCheckpoint(directory, weights, dtype, shards);
            ByteLevelTokenizer.Write(directory);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>A small Llama config sized for a byte-level vocabulary.</summary>
    public static ModelConfig SmallLlama(int hidden = 64, int layers = 4, int heads = 4, int kvHeads = 2, int ffn = 160, int maxPositions = 256) => new()
    {
        Architecture = Architecture.Llama, HiddenSize = hidden, IntermediateSize = ffn, Layers = layers, Heads = heads,
        KvHeads = kvHeads, HeadDim = hidden / heads, VocabSize = ByteLevelTokenizer.VocabSize(0), MaxPositions = maxPositions,
        NormEps = 1e-5, Rope = new RopeSettings(10000, "default", 1, 1, 4, maxPositions), AttentionBias = false, MlpBias = false,
        TieWordEmbeddings = false, Activation = "silu",
    };
}
