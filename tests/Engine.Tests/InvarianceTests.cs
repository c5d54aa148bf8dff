using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>What the fingerprint must be blind to, and what it must handle, on real checkpoint files.</summary>
public class InvarianceTests
{
    static readonly ComputeOptions Cpu = new(CPU, ScalarType.Float32);

    [Theory]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Gemma)]
    [InlineData(Architecture.Phi3)]
    [InlineData(Architecture.Gpt2)]
    public void HiddenPermutationKeepsCkaAtOneOnEveryLayer(Architecture architecture)
    {
        using var temp = new TempDirectory();
        var source = TestModels.Write(temp.Sub("source"), architecture);
        var permutation = ResidualPermutation.Apply(source, temp.Sub("permuted"), seed: 3);
        Assert.NotEqual(Enumerable.Range(0, permutation.Length), permutation);
        var probes = ProbeLoader.Load(null, 64);
        var a = FingerprintBuilder.Build(source, probes, Cpu);
        var b = FingerprintBuilder.Build(temp.Sub("permuted"), probes, Cpu);
        Assert.NotEqual(a.Model.ContentHash, b.Model.ContentHash);
        foreach (var preprocessing in Enum.GetValues<Preprocessing>())
        {
            var c = Comparison.Of(a, b, Kernel.Linear, preprocessing);
            Assert.All(c.Diagonal, cka => Assert.True(cka >= 1 - 1e-5, $"{preprocessing} same-layer CKA {cka}"));
            Assert.Equal(Verdict.Derived, c.Verdict);
        }
    }

    [Fact]
    public void NarrowerShallowerModelComparesWithoutError()
    {
        using var temp = new TempDirectory();
        var wide = TestModels.Write(temp.Sub("wide"), Architecture.Llama);
        var narrow = temp.Sub("narrow");
        RandomModel.WriteCheckpoint(narrow, RandomModel.SmallLlama(hidden: 16, layers: 2, heads: 2, kvHeads: 1, ffn: 32), seed: 4, std: 0.15);
        var probes = ProbeLoader.Load(null, 40);
        var a = FingerprintBuilder.Build(wide, probes, Cpu);
        var b = FingerprintBuilder.Build(narrow, probes, Cpu);
        foreach (var kernel in Enum.GetValues<Kernel>())
        {
            var c = Comparison.Of(a, b, kernel);
            Assert.Equal(3, c.Matrix.Length);
            Assert.Equal(2, c.Matrix[0].Length);
            Assert.All(c.Matrix.SelectMany(r => r), v => Assert.InRange(v, -1e-9, 1 + 1e-9));
            Assert.Equal(2, c.Alignment.Count);
            Assert.True(c.ReefLayer.Cka < 0.99, "an unrelated narrow model must not look identical");
        }
    }

    [Fact]
    public void IncomparableFingerprintsAreRefused()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        var a = FingerprintBuilder.Build(dir, ProbeLoader.Load(null, 20), Cpu);
        var b = FingerprintBuilder.Build(dir, ProbeLoader.Load(null, 21), Cpu);
        var error = Assert.Throws<IncomparableFingerprintsException>(() => Comparison.Of(a, b));
        Assert.Contains("probe sets differ", error.Message);
    }
}

/// <summary>A probe set too small to judge: refused for a fingerprint, "insufficient" for a verdict.</summary>
public class ProbeRequirementTests
{
    static readonly ComputeOptions Cpu = new(CPU, ScalarType.Float32);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(ProbeRequirements.MinimumForFingerprint - 1)]
    public void AFingerprintOfTooFewStatementsIsRefusedNamingTheProbeSet(int statements)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        var e = Assert.Throws<InvalidInputException>(() => FingerprintBuilder.Build(dir, ProbeLoader.Load(null, statements), Cpu));
        Assert.Equal("builtin", e.File);
        Assert.Contains($"holds {statements} statements", e.Reason);
    }

    [Fact]
    public void AComparisonOnFewerStatementsThanAVerdictNeedsIsInsufficient()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        var few = FingerprintBuilder.Build(dir, ProbeLoader.Load(null, ProbeRequirements.MinimumForVerdict - 1), Cpu);
        Assert.Equal(Verdict.Insufficient, Comparison.Of(few, few).Verdict);
        var enough = FingerprintBuilder.Build(dir, ProbeLoader.Load(null, ProbeRequirements.MinimumForVerdict), Cpu);
        Assert.Equal(Verdict.Derived, Comparison.Of(enough, enough).Verdict);
    }
}
