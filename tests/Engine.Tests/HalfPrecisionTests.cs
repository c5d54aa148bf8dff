using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using Xunit.Abstractions;
using Architecture = Reef.Engine.Models.Architecture;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>
/// Half-precision compute (what --dtype bf16/fp16 runs on GPUs and CPUs with native bf16) against fp32: REEF's CKA at the
/// REEF layer moves by at most 1e-3 for related and unrelated pairs alike. Run here on a CPU without native bf16, where it
/// is slow but computes the same numbers: ComputeOptions is built directly, past --dtype's refusal of slow hardware.
/// </summary>
public class HalfPrecisionTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-3;

    [Theory]
    [InlineData(ScalarType.BFloat16, Architecture.Llama)]
    [InlineData(ScalarType.Float16, Architecture.Llama)]
    [InlineData(ScalarType.BFloat16, Architecture.Qwen2)]
    [InlineData(ScalarType.BFloat16, Architecture.Mistral)]
    [InlineData(ScalarType.BFloat16, Architecture.Gemma)]
    [InlineData(ScalarType.BFloat16, Architecture.Phi3)]
    [InlineData(ScalarType.BFloat16, Architecture.Gpt2)]
    public void HalfPrecisionMovesReefLayerCkaByAtMostOneThousandth(ScalarType dtype, Architecture architecture)
    {
        using var temp = new TempDirectory();
        // Stored in the half dtype, as hub checkpoints are: both precisions run the same weights, and what differs is the
        // arithmetic alone.
        var stored = dtype == ScalarType.BFloat16 ? Dtype.BF16 : Dtype.F16;
        var parent = TestModels.Write(temp.Sub("parent"), architecture, seed: 3, dtype: stored);
        GaussianNoise.Apply(parent, temp.Sub("noisy"), 0.2, 7);
        var other = TestModels.Write(temp.Sub("other"), architecture, seed: 4, dtype: stored);
        var probes = ProbeLoader.Load(null, 128);
        var half = new ComputeOptions(CPU, dtype);
        Fingerprint Print(string dir, ComputeOptions compute) => FingerprintBuilder.Build(dir, probes, compute);
        var full = new[] { parent, temp.Sub("noisy"), other }.Select(d => Print(d, ComputeOptions.Cpu)).ToArray();
        var reduced = new[] { parent, temp.Sub("noisy"), other }.Select(d => Print(d, half)).ToArray();

        foreach (var (a, b, what) in new[] { (0, 1, "parent vs noisy"), (0, 2, "parent vs unrelated"), (1, 2, "noisy vs unrelated") })
        {
            var exact = Comparison.Of(full[a], full[b]).ReefLayer.Cka;
            var approximate = Comparison.Of(reduced[a], reduced[b]).ReefLayer.Cka;
            output.WriteLine($"{dtype} {architecture} {what}: fp32 {exact:F6}, half {approximate:F6}, error {Math.Abs(exact - approximate):E2}");
            Assert.True(Math.Abs(exact - approximate) <= Tolerance, $"{what}: {dtype} CKA {approximate} vs fp32 {exact}");
        }
        // The same model in both precisions, as one fingerprint against the other.
        var self = Comparison.Of(full[0], reduced[0]).ReefLayer.Cka;
        output.WriteLine($"{dtype} {architecture} parent fp32 vs half: {self:F6}");
        Assert.True(self >= 1 - Tolerance, $"parent in fp32 vs {dtype}: {self}");
    }
}
