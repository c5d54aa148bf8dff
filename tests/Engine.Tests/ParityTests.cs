using System.Runtime.InteropServices;
using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using Architecture = Reef.Engine.Models.Architecture;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>
/// The engine's hidden states against the float64 reference of Hugging Face's math, for every family,
/// stored as F32 and BF16, in one file and sharded: within 2e-5 at every layer and position.
/// </summary>
public class ParityTests
{
    const double Tolerance = 2e-5;
    const string Statement = "The quick brown fox jumps over the lazy dog near the river bank.";

    public static TheoryData<Architecture, Dtype, int> Cases()
    {
        var data = new TheoryData<Architecture, Dtype, int>();
        foreach (var a in TestModels.All)
        foreach (var dtype in new[] { Dtype.F32, Dtype.BF16 })
        foreach (var shards in new[] { 1, 3 })
            data.Add(a, dtype, shards);
        // F16 too: the reader's third float type.
        data.Add(Architecture.Llama, Dtype.F16, 1);
        data.Add(Architecture.Gpt2, Dtype.F16, 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HiddenStatesMatchReference(Architecture architecture, Dtype dtype, int shards)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("model"), architecture, seed: 21, dtype: dtype, shards: shards);
        var config = TestModels.Config(architecture);
        var reference = new ReferenceDecoder(config, ReferenceWeights(config, 21, dtype));
        AssertParity(dir, reference);
    }

    [Fact]
    public void Gpt2WithoutTransformerPrefixLoads()
    {
        using var temp = new TempDirectory();
        var config = TestModels.Config(Architecture.Gpt2);
        var weights = RandomModel.Weights(config, 5, 0.15)
            .ToDictionary(kv => kv.Key.StartsWith("transformer.") ? kv.Key["transformer.".Length..] : kv.Key, kv => kv.Value);
        var dir = temp.Sub("gpt2");
        ConfigWriter.Write(dir, config);
        SafetensorsWriter.WriteCheckpoint(dir, weights, Dtype.F32);
        ByteLevelTokenizer.Write(dir);
        var reference = new ReferenceDecoder(config, weights.ToDictionary(kv => kv.Key, kv => ToDouble(kv.Value, Dtype.F32)));
        AssertParity(dir, reference);
    }

    static void AssertParity(string dir, ReferenceDecoder reference)
    {
        var checkpoint = Checkpoint.Open(dir);
        using var tokenizer = ModelTokenizer.Load(checkpoint.TokenizerPath!);
        var ids = tokenizer.Encode(Statement);
        var expected = reference.Run(ids);
        using var weights = DecoderWeights.Load(checkpoint, new ComputeOptions(CPU, ScalarType.Float32));
        var worst = 0.0;
        using (NewDisposeScope())
        using (inference_mode())
        {
            var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
            var seen = 0;
            new Decoder(weights).Forward(input, (layer, output) =>
            {
                seen++;
                var values = output.to(ScalarType.Float64).contiguous().data<double>().ToArray();
                var d = (int)output.shape[2];
                for (var t = 0; t < ids.Length; t++)
                for (var j = 0; j < d; j++)
                    worst = Math.Max(worst, Math.Abs(values[t * d + j] - expected[layer][t][j]));
            });
            Assert.Equal(expected.Length, seen);
        }
        Assert.True(worst <= Tolerance, $"max abs difference {worst:E3} exceeds {Tolerance:E0}");
        // The states must not be trivially small, or the tolerance would prove nothing.
        Assert.True(expected[^1].SelectMany(r => r).Max(Math.Abs) > 0.1);
    }

    public static Dictionary<string, (double[], long[])> ReferenceWeights(ModelConfig config, long seed, Dtype dtype) =>
        RandomModel.Weights(config, seed, 0.15).ToDictionary(kv => kv.Key, kv => ToDouble(kv.Value, dtype));

    /// <summary>The values as stored in <paramref name="dtype"/>, widened to float64.</summary>
    static (double[], long[]) ToDouble(Tensor t, Dtype dtype)
    {
        using var stored = t.to(Dtypes.ToTorch(dtype));
        using var wide = stored.to(ScalarType.Float64).contiguous();
        return (MemoryMarshal.Cast<byte, double>(wide.bytes).ToArray(), t.shape);
    }
}
