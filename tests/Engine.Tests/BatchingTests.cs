using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>Right-padded batches give the same last-token activations as one statement at a time.</summary>
public class BatchingTests
{
    [Theory]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Mistral)]
    [InlineData(Architecture.Qwen2)]
    [InlineData(Architecture.Gemma)]
    [InlineData(Architecture.Phi3)]
    [InlineData(Architecture.Gpt2)]
    public void BatchedCaptureMatchesBatchOne(Architecture architecture)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), architecture);
        var probes = ProbeLoader.Load(null, 24);
        var checkpoint = Checkpoint.Open(dir);
        using var tokenizer = ModelTokenizer.Load(checkpoint.TokenizerPath!);
        var tokens = TokenizedProbes.Create(probes, tokenizer, checkpoint.Config.MaxPositions, checkpoint.Config.VocabSize, dir);
        Assert.True(tokens.Ids.Select(i => i.Length).Distinct().Count() > 5, "probes should differ in length so padding matters");
        using var weights = DecoderWeights.Load(checkpoint, new ComputeOptions(CPU, ScalarType.Float32));
        var one = ActivationCapture.Run(weights, tokens, batchSize: 1);
        var batched = ActivationCapture.Run(weights, tokens, batchSize: 7);
        var worst = 0.0;
        for (var l = 0; l < one.LayerCount; l++)
        for (var i = 0; i < one.Layers[l].Length; i++)
            worst = Math.Max(worst, Math.Abs(one.Layers[l][i] - batched.Layers[l][i]));
        Assert.True(worst <= 1e-4, $"batched differs from batch 1 by {worst:E3}");
    }

    [Fact]
    public void LastLayerArgumentStopsEarly()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        using var weights = DecoderWeights.Load(Checkpoint.Open(dir), new ComputeOptions(CPU, ScalarType.Float32), lastLayer: 0);
        Assert.Single(weights.Blocks);
    }
}
