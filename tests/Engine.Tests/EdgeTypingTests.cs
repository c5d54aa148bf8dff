using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Lab.Training;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Tests;

/// <summary>Each of the lab's edits is typed from the weights alone, with the child named where the evidence can name it.</summary>
public class EdgeTypingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static double SignatureScore(string a, string b)
    {
        var sa = WeightSignature.TryOf(a, out var ra) ?? throw new InvalidOperationException(ra);
        var sb = WeightSignature.TryOf(b, out var rb) ?? throw new InvalidOperationException(rb);
        return WeightSimilarity.Score(sa, sb);
    }

    public static TheoryData<string, EdgeKind, bool?, string?> Edits() => new()
    {
        { "quantize-8", EdgeKind.Quantization, true, null },
        { "quantize-4", EdgeKind.Quantization, true, null },
        { "prune-30", EdgeKind.UnstructuredPrune, true, null },
        { "prune-ffn", EdgeKind.StructuredPrune, true, "ffn" },
        { "prune-heads", EdgeKind.StructuredPrune, true, "heads" },
        { "prune-layers", EdgeKind.StructuredPrune, true, "layers" },
        { "permute", EdgeKind.Reparameterization, null, null },
        { "scale", EdgeKind.Reparameterization, null, null },
        { "rotate", EdgeKind.Reparameterization, null, null },
        { "noise", EdgeKind.Other, null, null },
        { "finetune", EdgeKind.FineTune, null, null },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void EachEditIsTypedFromTheWeights(string edit, EdgeKind kind, bool? childIsSecond, string? unit)
    {
        using var temp = new TempDirectory();
        // Wide enough that a row has more entries than 8-bit levels would leave distinct.
        var parent = TestModels.WriteLlamaWithMerges(temp.Sub("parent"), seed: 3, hidden: 128, ffn: 256, layers: 4, heads: 4);
        var child = temp.Sub(edit);
        switch (edit)
        {
            case "quantize-8": Quantize.Apply(parent, child, 8); break;
            case "quantize-4": Quantize.Apply(parent, child, 4); break;
            case "prune-30": Prune.Unstructured(parent, child, 0.3); break;
            case "prune-ffn": Prune.Structured(parent, child, 0.25, PruneUnit.Ffn); break;
            case "prune-heads": Prune.Structured(parent, child, 0.5, PruneUnit.Heads); break;
            case "prune-layers": Prune.Structured(parent, child, 0.25, PruneUnit.Layers); break;
            case "permute": Permute.Apply(parent, child, 5); break;
            case "scale": Rescale.Apply(parent, child, 2, 5); break;
            case "rotate": Rotate.Apply(parent, child, 5); break;
            case "noise": GaussianNoise.Apply(parent, child, 0.01, 5); break;
            default:
                var text = temp.Sub("text.txt");
                File.WriteAllText(text, string.Join("\n", Probes.DefaultProbes.Load().Probes.Select(p => p.Text)));
                FineTune.Apply(parent, child, text, 30, 3e-3, seed: 4);
                break;
        }
        var (p, c) = (WeightEvidence.Of(parent), WeightEvidence.Of(child));
        var typed = EdgeTyping.Classify(p, c, SignatureScore(parent, child));
        output.WriteLine($"{edit}: {typed.Kind} {typed.Unit} child-is-second {typed.ChildIsSecond}: {typed.Evidence}");
        Assert.Equal(kind, typed.Kind);
        Assert.Equal(childIsSecond, typed.ChildIsSecond);
        Assert.Equal(unit, typed.Unit);
        // The same pair the other way round: the same type, the child named the other way.
        var reversed = EdgeTyping.Classify(c, p, SignatureScore(child, parent));
        Assert.Equal(kind, reversed.Kind);
        Assert.Equal(childIsSecond is { } second ? !second : null, reversed.ChildIsSecond);
    }

    [Fact]
    public void AMergeIsFoundWithAllItsParentsAmongItsFamily()
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), Architecture.Llama, seed: 3);
        foreach (var (name, seed) in new[] { ("a", 4L), ("b", 5L), ("c", 6L), ("d", 7L) }) GaussianNoise.Apply(parent, temp.Sub(name), 0.3, seed);
        Merge.Apply(temp.Sub("a"), temp.Sub("ab"), temp.Sub("b"), 0.4, MergeMethod.Linear, baseModel: null);
        Merge.Apply(temp.Sub("ab"), temp.Sub("abc"), temp.Sub("c"), 0.25, MergeMethod.Linear, baseModel: null);
        var family = new[] { "parent", "a", "b", "c", "d" }.Select(n => WeightEvidence.Of(temp.Sub(n))).ToList();

        var two = EdgeTyping.MergeOf(WeightEvidence.Of(temp.Sub("ab")), family)!.Value;
        Assert.Equal([1, 2], two.Parents);
        Assert.Equal(0.6, two.Weights[0], 0.01);
        var three = EdgeTyping.MergeOf(WeightEvidence.Of(temp.Sub("abc")), family)!.Value;
        Assert.Equal([1, 2, 3], three.Parents);
        Assert.Equal(0.45, three.Weights[0], 0.01);
        Assert.Equal(0.3, three.Weights[1], 0.01);
        Assert.Equal(0.25, three.Weights[2], 0.01);
        // Not merges: a noised copy, and the parent itself among its children.
        Assert.Null(EdgeTyping.MergeOf(family[4], family.Take(4).ToList()));
        Assert.Null(EdgeTyping.MergeOf(family[0], family.Skip(1).ToList()));
    }

    /// <summary>A model whose weights hold NaN or infinite values (a stranger's file may) is never found a merge.</summary>
    [Fact]
    public void WeightsThatAreNotFiniteMakeNoMerge()
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), Architecture.Llama, seed: 3);
        GaussianNoise.Apply(parent, temp.Sub("a"), 0.3, seed: 4);
        GaussianNoise.Apply(parent, temp.Sub("b"), 0.3, seed: 5);
        Merge.Apply(temp.Sub("a"), temp.Sub("ab"), temp.Sub("b"), 0.4, MergeMethod.Linear, baseModel: null);
        var (a, b, ab) = (WeightEvidence.Of(temp.Sub("a")), WeightEvidence.Of(temp.Sub("b")), WeightEvidence.Of(temp.Sub("ab")));
        Assert.NotNull(EdgeTyping.MergeOf(ab, [a, b]));
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var broken = new WeightEvidence
            {
                Layers = ab.Layers, Shapes = ab.Shapes, ZeroFraction = ab.ZeroFraction, LevelsPerRow = ab.LevelsPerRow,
                DistinctFraction = ab.DistinctFraction, SmallFraction = ab.SmallFraction, Norms = ab.Norms,
                Sketch = ab.Sketch.Select((v, i) => i % 7 == 0 ? bad : v).ToArray(),
            };
            Assert.Null(EdgeTyping.MergeOf(broken, [a, b]));
            Assert.Null(EdgeTyping.MergeOf(ab, [broken, b]));
            // Typing still answers, with its evidence in words.
            Assert.False(string.IsNullOrEmpty(EdgeTyping.Classify(a, broken, double.NaN).Evidence));
        }
    }
}
