using LLama.Native;
using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Gguf;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using Reef.Engine.Tokenization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>
/// A checkpoint exported to F32 GGUF and quantized by llama.cpp's own quantizer to each type it offers: ReefCluster reads the
/// quantized file as llama.cpp reads it (logits from the dequantized weights against llama.cpp's on the same token ids), and
/// the quantization stays REEF-close to the original. The model is 256 wide so the K-quants apply (llama.cpp falls back to
/// other types for rows that are not whole 256-value super-blocks).
/// </summary>
public class GgufQuantizationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Each llama.cpp file type with the largest logit difference allowed, as a fraction of the logits' scale. llama.cpp
    /// quantizes the activations too (to Q8 blocks) before each product with quantized weights, and ReefCluster multiplies
    /// dequantized weights by float32 activations, so the gap is llama.cpp's activation rounding more than the weights' (measured
    /// 1.1e-2 to 1.8e-2 of the scale for every quantized type, 4.6e-4 for F16, whose activations llama.cpp rounds to F16); the
    /// weights themselves dequantize bit for bit as llama.cpp's (GgufTests).
    /// </summary>
    public static TheoryData<LLamaFtype, double> Types() => new()
    {
        { LLamaFtype.MOSTLY_F16, 1e-3 },
        { LLamaFtype.MOSTLY_Q8_0, 3e-2 },
        { LLamaFtype.MOSTLY_Q6_K, 3e-2 },
        { LLamaFtype.MOSTLY_Q5_K_M, 3e-2 },
        { LLamaFtype.MOSTLY_Q5_1, 3e-2 },
        { LLamaFtype.MOSTLY_Q5_0, 3e-2 },
        { LLamaFtype.MOSTLY_Q4_K_M, 3e-2 },
        { LLamaFtype.MOSTLY_Q4_1, 3e-2 },
        { LLamaFtype.MOSTLY_Q4_0, 3e-2 },
        { LLamaFtype.MOSTLY_Q3_K_M, 3e-2 },
        { LLamaFtype.MOSTLY_Q2_K, 3e-2 },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void LlamaCppQuantizationsReadAsLlamaCppReadsThemAndStayReefClose(LLamaFtype type, double tolerance)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.WriteLlamaWithMerges(temp.Sub("model"), seed: 12, hidden: 256, ffn: 512, layers: 3);
        var config = Checkpoint.Open(dir).Config;
        var f32 = temp.Sub("model-f32.gguf");
        GgufExport.Write(dir, f32);
        var quantized = temp.Sub($"model-{type}.gguf");
        LlamaCppReference.Quantize(f32, quantized, type);
        var file = GgufFile.Open(quantized);
        var types = string.Join(", ", file.TensorList.GroupBy(t => t.Type).Select(g => $"{g.Key} ×{g.Count()}"));

        using var tokenizer = ModelTokenizer.Load(Path.Combine(dir, "tokenizer.json"));
        var ids = tokenizer.Encode("The quick brown fox jumps over the lazy dog near the river bank.");
        var expected = LlamaCppReference.Logits(quantized, ids);
        Dictionary<string, Tensor> tensors;
        using (var reader = GgufReader.Open(quantized)) tensors = reader.ReadAll();
        try
        {
            using var model = new CausalLm(config, tensors);
            using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
            using var logits = model.Logits(input);
            var ours = logits.contiguous().data<float>().ToArray();
            var worst = 0.0;
            for (var t = 0; t < ids.Length; t++)
            for (var v = 0; v < config.VocabSize; v++)
                worst = Math.Max(worst, Math.Abs(expected[t][v] - ours[t * config.VocabSize + v]));
            var scale = expected.SelectMany(r => r).Max(Math.Abs);

            // REEF of the quantization against the safetensors original, 64 built-in statements.
            var probes = ProbeLoader.Load(null, 64);
            var original = FingerprintBuilder.Build(dir, probes, ComputeOptions.Cpu);
            var tokens = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, quantized);
            using var weights = DecoderWeights.FromTensors(config, tensors);
            var activations = ActivationCapture.Run(weights, tokens);
            var identity = original.Model with { Path = quantized };
            var reef = Comparison.Of(original, Fingerprint.FromActivations(activations, identity, probes.Name, probes.Hash, 0)).ReefLayer.Cka;

            output.WriteLine($"{type} ({types}): logits differ from llama.cpp's by {worst / scale:E2} of their scale ({worst:E2} of {scale:F3}); " +
                             $"REEF-layer CKA against the original {reef:F6}");
            Assert.True(worst <= tolerance * scale, $"{type}: logits differ from llama.cpp's by {worst} of {scale}");
            Assert.True(reef >= 0.95 || type is LLamaFtype.MOSTLY_Q3_K_M or LLamaFtype.MOSTLY_Q2_K, $"{type}: REEF-layer CKA {reef}");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
