using Reef.Engine.Checkpoints;
using Reef.Engine.Gguf;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>A Llama checkpoint written as GGUF the way llama.cpp's converter writes it reads back as the same model.</summary>
public class GgufModelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static string Model(TempDirectory temp) => TestModels.WriteLlamaWithMerges(temp.Sub("model"));

    [Fact]
    public void TheTokenizerInGgufMetadataTokenizesAsTheOriginal()
    {
        using var temp = new TempDirectory();
        var dir = Model(temp);
        var gguf = temp.Sub("model.gguf");
        GgufExport.Write(dir, gguf);
        using var original = ModelTokenizer.Load(Path.Combine(dir, "tokenizer.json"));
        using var reader = GgufReader.Open(gguf);
        using var fromGguf = reader.LoadTokenizer()!;
        var statements = DefaultProbes.Load().Probes.Select(p => p.Text!).Append("Ünïcödé, emoji 🦙 and   spaces.").ToList();
        foreach (var s in statements) Assert.Equal(original.Encode(s), fromGguf.Encode(s));
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.BF16)]
    public void AnExportReadsBackAsTheCheckpoint(GgmlType type)
    {
        using var temp = new TempDirectory();
        var dir = Model(temp);
        var gguf = temp.Sub("model.gguf");
        GgufExport.Write(dir, gguf, type);
        var file = GgufFile.Open(gguf);
        var checkpoint = Checkpoint.Open(dir);
        var config = GgufLlamaLayout.Config(file);
        Assert.Equal(checkpoint.Config with { Rope = null, MaxWindowLayers = 0 }, config with { Rope = null, MaxWindowLayers = 0 });
        Assert.Equal(checkpoint.Config.Rope!.Theta, config.Rope!.Theta);

        var original = checkpoint.ReadAllTensors();
        Dictionary<string, Tensor> read;
        using (var reader = GgufReader.Open(gguf)) read = reader.ReadAll();
        try
        {
            Assert.Equal(original.Keys.Order(), read.Keys.Order());
            foreach (var (name, tensor) in original)
            {
                using var expected = tensor.dim() == 1 || type == GgmlType.F32 ? tensor.alias()
                    : tensor.to(type == GgmlType.F16 ? ScalarType.Float16 : ScalarType.BFloat16).to(ScalarType.Float32);
                Assert.True(expected.allclose(read[name], rtol: 0, atol: 0), $"{name} differs after the {type} round trip");
            }
        }
        finally
        {
            foreach (var t in original.Values.Concat(read.Values)) t.Dispose();
        }
    }

    [Fact]
    public void LlamaCppComputesFromTheExportTheLogitsOurDecoderComputesFromTheCheckpoint()
    {
        using var temp = new TempDirectory();
        var dir = Model(temp);
        var gguf = temp.Sub("model.gguf");
        GgufExport.Write(dir, gguf);
        var checkpoint = Checkpoint.Open(dir);
        using var tokenizer = ModelTokenizer.Load(checkpoint.TokenizerPath!);
        var ids = tokenizer.Encode("The quick brown fox jumps over the lazy dog near the river bank.");

        // Flash attention off: llama.cpp's CPU flash attention rounds through F16 (it moved logits by 6e-4 of their scale).
        var expected = LlamaCppReference.Logits(gguf, ids);
        var tensors = checkpoint.ReadAllTensors();
        using var model = new CausalLm(checkpoint.Config, tensors);
        using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        using var logits = model.Logits(input);
        var ours = logits.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var vocab = checkpoint.Config.VocabSize;
        var worst = 0.0;
        for (var t = 0; t < ids.Length; t++)
        for (var v = 0; v < vocab; v++)
            worst = Math.Max(worst, Math.Abs(expected[t][v] - ours[t * vocab + v]));
        foreach (var t in tensors.Values) t.Dispose();
        var scale = ours.Max(Math.Abs);
        output.WriteLine($"F32 GGUF in llama.cpp vs the safetensors checkpoint in ReefCluster: logits differ by at most {worst:E2} (logits up to {scale:F3})");
        Assert.True(worst < 1e-5 * scale, $"llama.cpp's logits differ from ours by {worst} (logits up to {scale})");
    }

    [Fact]
    public void AGgufExportHasTheWeightSignatureOfItsCheckpoint()
    {
        using var temp = new TempDirectory();
        var dir = Model(temp);
        var f32 = temp.Sub("model-f32.gguf");
        var f16 = temp.Sub("model-f16.gguf");
        GgufExport.Write(dir, f32);
        GgufExport.Write(dir, f16, GgmlType.F16);
        var original = Inspection.CheckpointInspection.Inspect(dir);
        var exported = Inspection.CheckpointInspection.Inspect(f32);
        var halved = Inspection.CheckpointInspection.Inspect(f16);
        Assert.NotEqual(original.ContentHash, exported.ContentHash);
        Assert.Equal(original.Layers, exported.Layers);
        Assert.Equal(original.WeightSignature!.Invariants, exported.WeightSignature!.Invariants);
        using var similarity = new Weights.WeightSimilarity([original.WeightSignature, halved.WeightSignature!]);
        Assert.True(similarity.Score(0, 1) > 0.999, $"F16 export's weight score {similarity.Score(0, 1)}");
    }

    /// <summary>
    /// A GGUF file runs through the same one-read pass as a checkpoint folder: over the memory budget it streams block by
    /// block, with the activations, hash, weight signature and bytes read of loading it whole.
    /// </summary>
    [Theory]
    [InlineData(LLama.Native.LLamaFtype.MOSTLY_F16)]
    [InlineData(LLama.Native.LLamaFtype.MOSTLY_Q4_K_M)]
    public void AGgufFileStreamsBlockByBlockAsItLoadsWhole(LLama.Native.LLamaFtype type)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.WriteLlamaWithMerges(temp.Sub("model"), seed: 14, hidden: 256, ffn: 512, layers: 3);
        var f32 = temp.Sub("model-f32.gguf");
        GgufExport.Write(dir, f32);
        var gguf = temp.Sub($"model-{type}.gguf");
        LlamaCppReference.Quantize(f32, gguf, type);

        Inspection.PassResult Pass(long budget)
        {
            using var reader = GgufReader.Open(gguf);
            using var tokenizer = reader.LoadTokenizer()!;
            var tokens = TokenizedProbes.Create(ProbeLoader.Load(null, 10), tokenizer, reader.Config.MaxPositions, reader.Config.VocabSize, gguf);
            return Inspection.CheckpointPass.Run(reader, tokens, ComputeOptions.Cpu with { MaxMemoryBytes = budget }, batchSize: 4);
        }
        var whole = Pass(long.MaxValue / 4);
        var streamed = Pass(1);

        Assert.False(whole.Streamed);
        Assert.True(streamed.Streamed);
        var largest = 0f;
        for (var layer = 0; layer < whole.Activations!.LayerCount; layer++)
            largest = Math.Max(largest, whole.Activations.Layers[layer].Zip(streamed.Activations!.Layers[layer], (a, b) => Math.Abs(a - b)).Max());
        output.WriteLine($"{type}: streamed vs whole, largest difference {largest:E2}");
        Assert.True(largest <= 1e-5, $"streamed differs from whole by {largest}");
        Assert.Equal(whole.ContentHash, streamed.ContentHash);
        Assert.Equal(Inspection.CheckpointInspection.Inspect(gguf).ContentHash, whole.ContentHash);
        var tensorBytes = GgufFile.Open(gguf).TensorList.Sum(t => t.ByteLength);
        Assert.Equal(tensorBytes, whole.BytesRead);
        Assert.Equal(tensorBytes, streamed.BytesRead);
        Assert.Equal(whole.WeightSignature!.Invariants, streamed.WeightSignature!.Invariants);
    }
}
