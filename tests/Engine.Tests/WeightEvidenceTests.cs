using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Tests;

/// <summary>
/// What the raw weights say about how a model was made, on the lab's own edits: merges are mixes of their parents with the
/// weights used, quantization leaves few levels per row, pruning leaves zeros, a fine-tune stays near its parent, and a
/// permuted copy moves far away in raw weights while its signature stays equal (a re-parameterization).
/// </summary>
public class WeightEvidenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Phi3)]
    [InlineData(Architecture.Gpt2)]
    public void ALinearMergeIsTheMixOfItsParentsWithTheWeightsUsed(Architecture architecture)
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), architecture, seed: 3);
        GaussianNoise.Apply(parent, temp.Sub("a"), 0.3, seed: 4);
        GaussianNoise.Apply(parent, temp.Sub("b"), 0.3, seed: 5);
        GaussianNoise.Apply(parent, temp.Sub("c"), 0.3, seed: 6);
        Merge.Apply(temp.Sub("a"), temp.Sub("ab"), temp.Sub("b"), alpha: 0.3, MergeMethod.Linear, baseModel: null);
        Merge.Apply(temp.Sub("ab"), temp.Sub("abc"), temp.Sub("c"), alpha: 0.5, MergeMethod.Linear, baseModel: null);
        var (a, b, c) = (WeightEvidence.Of(temp.Sub("a")), WeightEvidence.Of(temp.Sub("b")), WeightEvidence.Of(temp.Sub("c")));

        // (1 − α)·a + α·b with α = 0.3.
        var two = WeightEvidenceMath.Mix(WeightEvidence.Of(temp.Sub("ab")), [a, b])!;
        output.WriteLine($"{architecture} two parents: weights {string.Join(", ", two.Weights.Select(w => w.ToString("F4")))}, residual {two.Residual:E2}");
        Assert.Equal(0.7, two.Weights[0], 0.01);
        Assert.Equal(0.3, two.Weights[1], 0.01);
        Assert.True(two.Residual < 0.02, $"residual {two.Residual}");

        // Three parents, uneven: 0.35·a + 0.15·b + 0.5·c.
        var three = WeightEvidenceMath.Mix(WeightEvidence.Of(temp.Sub("abc")), [a, b, c])!;
        output.WriteLine($"{architecture} three parents: weights {string.Join(", ", three.Weights.Select(w => w.ToString("F4")))}, residual {three.Residual:E2}");
        Assert.Equal(0.35, three.Weights[0], 0.01);
        Assert.Equal(0.15, three.Weights[1], 0.01);
        Assert.Equal(0.5, three.Weights[2], 0.01);

        // A sibling is no mix of the others: most of it is left unexplained.
        var sibling = WeightEvidenceMath.Mix(c, [a, b])!;
        output.WriteLine($"{architecture} sibling as a mix: residual {sibling.Residual:F3}");
        Assert.True(sibling.Residual > 0.5, $"sibling residual {sibling.Residual}");
    }

    [Fact]
    public void QuantizationPruningFineTuningAndPermutationLeaveTheirOwnTraces()
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), Architecture.Llama, seed: 3);
        Quantize.Apply(parent, temp.Sub("q4"), bits: 4);
        Prune.Unstructured(parent, temp.Sub("pruned"), 0.5);
        GaussianNoise.Apply(parent, temp.Sub("tuned"), 0.05, seed: 4);
        Permute.Apply(parent, temp.Sub("permuted"), seed: 5);
        var other = TestModels.Write(temp.Sub("other"), Architecture.Llama, seed: 9);
        var e = new[] { "parent", "q4", "pruned", "tuned", "permuted", "other" }.ToDictionary(n => n, n => WeightEvidence.Of(temp.Sub(n)));
        foreach (var (name, evidence) in e)
            output.WriteLine($"{name}: sparsity {evidence.Sparsity:F3}, median levels per row {evidence.MedianLevels}, " +
                             $"distance to parent {WeightEvidenceMath.Distance(e["parent"], evidence):F4}");

        // 4 bits: at most 15 levels a row (−7..7); the parent has as many as a row has entries.
        Assert.True(e["q4"].MedianLevels <= 15, $"q4 levels {e["q4"].MedianLevels}");
        Assert.True(e["parent"].MedianLevels > 25, $"parent levels {e["parent"].MedianLevels}");
        Assert.InRange(e["pruned"].Sparsity, 0.45, 0.55);
        Assert.True(e["parent"].Sparsity < 0.01);
        // Near its parent, where an independent model is about √2 away; a permuted copy is as far as a stranger in raw
        // weights (its signature says it is the same model: WeightSignatureTests).
        var tuned = WeightEvidenceMath.Distance(e["parent"], e["tuned"]);
        var stranger = WeightEvidenceMath.Distance(e["parent"], e["other"]);
        Assert.True(tuned < 0.1, $"fine-tune distance {tuned}");
        Assert.InRange(stranger, 1.2, 1.6);
        Assert.True(WeightEvidenceMath.Distance(e["parent"], e["permuted"]) > 1.0);
    }

    /// <summary>Stored evidence reads back as it was written; a flipped byte, a cut, or a header lying about its size is refused naming the key.</summary>
    [Fact]
    public void StoredEvidenceIsVerifiedBeforeItIsUsed()
    {
        using var temp = new TempDirectory();
        var evidence = WeightEvidence.Of(TestModels.Write(temp.Sub("m"), Architecture.Gpt2, seed: 3));
        var bytes = WeightEvidenceFile.ToBytes(evidence);
        var back = WeightEvidenceFile.FromBytes(bytes, "evidence/x");
        Assert.Equal(evidence.Shapes, back.Shapes);
        Assert.Equal(evidence.Sketch, back.Sketch);
        Assert.Equal(evidence.SmallFraction, back.SmallFraction);
        Assert.Equal(0, Engine.Weights.WeightEvidenceMath.Distance(evidence, back));

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 1;
        Assert.Contains("checksum mismatch", Assert.Throws<InvalidInputException>(() => WeightEvidenceFile.FromBytes(flipped, "evidence/x")).Message);
        Assert.Contains("evidence/x", Assert.Throws<InvalidInputException>(() => WeightEvidenceFile.FromBytes(bytes[..^40], "evidence/x")).Message);
        // A header claiming another layer count, sealed again so the checksum holds: the size check refuses it.
        var lying = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lying.AsSpan(12), 1_000_000);
        Store.SealedBytes.Seal(lying);
        Assert.Contains("layers", Assert.Throws<InvalidInputException>(() => WeightEvidenceFile.FromBytes(lying, "evidence/x")).Message);
    }
}
