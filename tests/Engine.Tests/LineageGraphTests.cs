using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Tests;

/// <summary>
/// The provenance graph from real derived checkpoints' weights: a root nothing names a child, typed edges, merges under all
/// their parents, and models no score can order (re-parameterizations) under the model they share a function with.
/// </summary>
public class LineageGraphTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void AFamilyGetsTypedEdgesAndEachMergeAllItsParents()
    {
        using var temp = new TempDirectory();
        var source = TestModels.WriteLlamaWithMerges(temp.Sub("source"), seed: 3, hidden: 128, ffn: 256, layers: 4, heads: 4);
        // The registry order puts derivatives before their source, so nothing can come right by order alone.
        var names = new[] { "ab", "quantized", "a", "permuted", "abc", "shallower", "b", "pruned", "c", "source" };
        GaussianNoise.Apply(source, temp.Sub("a"), 0.02, 4);
        GaussianNoise.Apply(source, temp.Sub("b"), 0.02, 5);
        GaussianNoise.Apply(source, temp.Sub("c"), 0.02, 6);
        // Nearer to each of its parents (0.6 and 0.4 of their distance) than they are to the source: without knowing it is a
        // merge, each would be taken for its child.
        Merge.Apply(temp.Sub("a"), temp.Sub("ab"), temp.Sub("b"), 0.4, MergeMethod.Linear, baseModel: null);
        // 0.75 ab + 0.25 c, which is 0.45 a + 0.3 b + 0.25 c: three parents, uneven, where ab is not in the hub.
        Merge.Apply(temp.Sub("ab"), temp.Sub("abc"), temp.Sub("c"), 0.25, MergeMethod.Linear, baseModel: null);
        Quantize.Apply(source, temp.Sub("quantized"), 8);
        Permute.Apply(source, temp.Sub("permuted"), 5);
        Prune.Structured(source, temp.Sub("shallower"), 0.25, PruneUnit.Layers);
        Prune.Unstructured(source, temp.Sub("pruned"), 0.3);

        var paths = names.Select(temp.Sub).ToList();
        var evidence = paths.Select(WeightEvidence.Of).ToList();
        var signatures = paths.Select(p => WeightSignature.TryOf(p, out var why) ?? throw new InvalidOperationException(why)).ToList();
        var models = paths.Select((p, i) => Checkpoint.Open(p).Config is var c
            ? new RegistryModel(names[i], "LlamaForCausalLM", c.Layers, c.HiddenSize, c.ParameterCount, names[i]) : null!).ToList();
        // Scored once a pair, as a registry holds its pairs' scores.
        var scores = new Dictionary<(int, int), double>();
        double Score(int a, int b) => a > b ? Score(b, a) : scores.TryGetValue((a, b), out var s) ? s : scores[(a, b)] = WeightSimilarity.Score(signatures[a], signatures[b]);
        var signals = new LineageSignals { Closeness = Score, WeightScore = Score, Evidence = m => evidence[m] };
        var edges = LineageInference.Infer(Enumerable.Range(0, names.Length).ToList(), models, signals);
        foreach (var e in edges) output.WriteLine($"{(e.Parent < 0 ? "(root)" : names[e.Parent]),-10} -> {names[e.Model],-10} {e.Kind} {e.MixWeight} {e.Confidence}: {e.Evidence}");

        ParentEdge Single(string child) => Assert.Single(edges, e => names[e.Model] == child);
        Assert.Equal(-1, Single("source").Parent);
        foreach (var (child, kind) in new[]
                 {
                     ("a", EdgeKind.Other), ("b", EdgeKind.Other), ("c", EdgeKind.Other), ("quantized", EdgeKind.Quantization), ("permuted", EdgeKind.Reparameterization),
                     ("shallower", EdgeKind.StructuredPrune), ("pruned", EdgeKind.UnstructuredPrune),
                 })
        {
            var edge = Single(child);
            Assert.Equal("source", names[edge.Parent]);
            Assert.Equal(kind, edge.Kind);
            Assert.InRange(edge.Confidence, 0.1, 1);
        }
        Assert.Equal("layers", Single("shallower").Unit);
        var merge = edges.Where(e => names[e.Model] == "ab").ToDictionary(e => names[e.Parent]);
        Assert.Equal(["a", "b"], merge.Keys.Order());
        Assert.All(merge.Values, e => Assert.Equal(EdgeKind.Merge, e.Kind));
        Assert.Equal(0.6, merge["a"].MixWeight!.Value, 0.01);
        Assert.Equal(0.4, merge["b"].MixWeight!.Value, 0.01);
        // With ab in the hub, abc is the mix of ab and c: the fewest parents that explain it.
        var two = edges.Where(e => names[e.Model] == "abc").ToDictionary(e => names[e.Parent]);
        Assert.Equal(["ab", "c"], two.Keys.Order());
        Assert.Equal(0.25, two["c"].MixWeight!.Value, 0.01);
        // Without it, abc has three parents, each with its weight.
        var withoutAb = Enumerable.Range(0, names.Length).Where(i => names[i] != "ab").ToList();
        var three = LineageInference.Infer(withoutAb, models, signals).Where(e => names[e.Model] == "abc").ToDictionary(e => names[e.Parent]);
        output.WriteLine($"abc: {string.Join(", ", three.Select(kv => $"{kv.Key} {kv.Value.MixWeight}"))}");
        Assert.Equal(["a", "b", "c"], three.Keys.Order());
        Assert.All(three.Values, e => Assert.Equal(EdgeKind.Merge, e.Kind));
        Assert.Equal(0.45, three["a"].MixWeight!.Value, 0.01);
        Assert.Equal(0.30, three["b"].MixWeight!.Value, 0.01);
        Assert.Equal(0.25, three["c"].MixWeight!.Value, 0.01);

        // Without weight evidence (a registry that has none) the same family still gets one root and a tree, from the scores.
        var scoresOnly = LineageInference.Infer(Enumerable.Range(0, names.Length).ToList(), models,
            new LineageSignals { Closeness = signals.Closeness, WeightScore = signals.WeightScore });
        Assert.Single(scoresOnly, e => e.Parent < 0);
        Assert.Equal(names.Length - 1, scoresOnly.Count(e => e.Parent >= 0));
        Assert.NotEqual("shallower", names[scoresOnly.Single(e => e.Parent < 0).Model]);
    }

    /// <summary>
    /// The arborescence waits for the best parent: greedy growth from the root would take b under r (cost 3) and a under r
    /// (10) before it could see that a and b are each other's nearest; the optimum breaks their cycle where it costs least.
    /// </summary>
    [Fact]
    public void TheCheapestArborescenceBreaksACycleWhereItCostsLeast()
    {
        DirectedEdge[] edges = [new(0, 1, 10), new(0, 2, 3), new(1, 2, 1), new(2, 1, 1), new(2, 3, 5), new(1, 3, 4)];
        var chosen = MinimumArborescence.Solve(5, 0, edges);
        Assert.Equal(-1, chosen[0]);
        Assert.Equal(new DirectedEdge(2, 1, 1), edges[chosen[1]]);
        Assert.Equal(new DirectedEdge(0, 2, 3), edges[chosen[2]]);
        Assert.Equal(new DirectedEdge(1, 3, 4), edges[chosen[3]]);
        Assert.Equal(-1, chosen[4]); // no edge reaches it
    }
}
