using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Checkpoints;

namespace Reef.Engine.Tests;

public class FamilyTests
{
    [Fact]
    public void AModelMergedFromTwoFamiliesDoesNotFuseThem()
    {
        // 0–3 and 4–7 are families; 8 is a merge of both, judged derived with every member of each.
        bool Derived(int i, int j) => (i < 4 && j < 4) || (i is >= 4 and < 8 && j is >= 4 and < 8) || i == 8 || j == 8;
        var families = FamilyClustering.Group(9, Derived);
        // The merge joins one of the two (the first it links fully with); connected components would have joined all nine.
        Assert.Equal(2, families.Count);
        Assert.Equal([5, 4], families.Select(f => f.Count));
        Assert.DoesNotContain(families, f => f.Contains(0) && f.Contains(4));
    }

    [Fact]
    public void OneFalsePositiveDoesNotChainTwoFamilies()
    {
        bool Derived(int i, int j) => (i / 5 == j / 5) || (i == 0 && j == 9);
        var families = FamilyClustering.Group(10, Derived);
        Assert.Equal([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], families.Select(f => f.ToArray()).ToArray());
    }

    /// <summary>
    /// The sparse clustering (derived pairs only, O(E log E)) groups exactly as average linkage over every pair does, on
    /// random hubs of planted families with false positives and negatives; and a hub of 100,000 models with 30,000
    /// derived pairs groups without an N² anything.
    /// </summary>
    [Fact]
    public void SparseClusteringGroupsAsAverageLinkageOverEveryPair()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var count = random.Next(2, 40);
            var family = Enumerable.Range(0, count).Select(_ => random.Next(Math.Max(1, count / 3))).ToArray();
            var derived = new bool[count, count];
            for (var i = 0; i < count; i++)
            for (var j = i + 1; j < count; j++)
                derived[i, j] = derived[j, i] = family[i] == family[j] ? random.NextDouble() < 0.8 : random.NextDouble() < 0.05;
            var expected = DenseAverageLinkage(count, (i, j) => derived[i, j]);
            var actual = FamilyClustering.Group(count, (i, j) => derived[i, j]);
            Assert.Equal(expected.Select(f => f.ToArray()).ToArray(), actual.Select(f => f.ToArray()).ToArray());
        }

        var edges = Enumerable.Range(0, 10_000).SelectMany(f => new[] { (f * 10, f * 10 + 1), (f * 10, f * 10 + 2), (f * 10 + 1, f * 10 + 2) }).ToList();
        var big = FamilyClustering.Group(100_000, edges);
        Assert.Equal(10_000 + 70_000, big.Count);
        Assert.Equal([0, 1, 2], big[0]);
    }

    /// <summary>Average linkage as it was first written: every pair of groups scanned each round (O(N³)), the reference.</summary>
    static List<List<int>> DenseAverageLinkage(int count, Func<int, int, bool> derived)
    {
        var members = Enumerable.Range(0, count).Select(i => new List<int> { i }).ToList();
        var alive = Enumerable.Repeat(true, count).ToArray();
        var links = new int[count, count];
        for (var i = 0; i < count; i++)
        for (var j = i + 1; j < count; j++)
            if (derived(i, j)) links[i, j] = links[j, i] = 1;
        while (true)
        {
            (int A, int B, double Share) best = (-1, -1, 0);
            for (var a = 0; a < count; a++)
            {
                if (!alive[a]) continue;
                for (var b = a + 1; b < count; b++)
                {
                    if (!alive[b] || links[a, b] == 0) continue;
                    var share = links[a, b] / (double)(members[a].Count * members[b].Count);
                    if (share > best.Share) best = (a, b, share);
                }
            }
            if (best.Share < FamilyClustering.JoinAt) break;
            var (x, y, _) = best;
            members[x].AddRange(members[y]);
            alive[y] = false;
            for (var c = 0; c < count; c++)
            {
                links[x, c] += links[y, c];
                links[c, x] = links[x, c];
            }
        }
        return Enumerable.Range(0, count).Where(g => alive[g]).Select(g => members[g].Order().ToList())
            .OrderByDescending(g => g.Count).ThenBy(g => g[0]).ToList();
    }

    static RegistryModel Model(int i, int layers = 4, long parameters = 1000) => new($"m{i}", "LlamaForCausalLM", layers, 64, parameters, $"k{i}");

    [Fact]
    public void LineageGrowsFromTheLargestMostCentralModelAlongTheClosestEdges()
    {
        // 0 → 1 → 2 (a chain of fine-tunes), 0 → 3 (a layer-pruned derivative, smaller), 3 scores closest to 2 by chance.
        var models = new[] { Model(0), Model(1), Model(2), Model(3, layers: 3, parameters: 800) };
        var close = new double[4, 4];
        void Set(int a, int b, double v) { close[a, b] = v; close[b, a] = v; }
        Set(0, 1, 0.95); Set(1, 2, 0.94); Set(0, 2, 0.93); Set(0, 3, 0.85); Set(1, 3, 0.83); Set(2, 3, 0.86);
        var edges = LineageInference.Infer([0, 1, 2, 3], models, (a, b) => close[a, b]).ToDictionary(e => e.Model);
        Assert.Equal(-1, edges[0].Parent);
        Assert.Equal(0, edges[1].Parent);
        Assert.Equal(1, edges[2].Parent);
        Assert.Equal(2, edges[3].Parent); // closest placed model that is not smaller
        // A smaller model is neither root nor parent, even when it is the most central.
        Set(0, 3, 0.99); Set(1, 3, 0.99); Set(2, 3, 0.99);
        edges = LineageInference.Infer([0, 1, 2, 3], models, (a, b) => close[a, b]).ToDictionary(e => e.Model);
        Assert.NotEqual(-1, edges[3].Parent);
        Assert.DoesNotContain(edges.Values, e => e.Parent == 3);
    }

    [Fact]
    public void MetadataNamingAMemberOverridesTheScores()
    {
        var models = new[] { Model(0), Model(1), Model(2) };
        double Close(int a, int b) => (a + b) switch { 1 => 0.99, 2 => 0.5, _ => 0.9 }; // 0–1 0.99, 0–2 0.5, 1–2 0.9
        var edges = LineageInference.Infer([0, 1, 2], models, Close, hints: [-1, -1, 0]).ToDictionary(e => e.Model);
        Assert.Equal(0, edges[2].Parent);
        Assert.Equal("metadata", edges[2].Basis);
        Assert.Equal(1, LineageInference.Infer([0, 1, 2], models, Close).Single(e => e.Model == 2).Parent);
    }

    [Fact]
    public void ModelCardsAndConfigsNameTheirParents()
    {
        Assert.Equal(["meta-llama/Llama-2-7b-hf"], ParentHints.BaseModels("---\nlicense: mit\nbase_model: meta-llama/Llama-2-7b-hf\n---\n# Model"));
        Assert.Equal(["a/b", "c/d"], ParentHints.BaseModels("---\nbase_model:\n  - a/b\n  - 'c/d'\ntags: [x]\n---\n"));
        Assert.Empty(ParentHints.BaseModels("# no front matter\nbase_model: x"));

        string[] ids = ["meta-llama/Llama-2-7b-hf", "finetunes/chat", "local/Llama-2-7b-hf"];
        Assert.Equal(0, ParentHintResolver.Resolve("meta-llama/Llama-2-7b-hf", ids, 1));
        Assert.Equal(0, ParentHintResolver.Resolve("/models/meta-llama/Llama-2-7b-hf", ids, 1)); // a local path ending in the hub id
        Assert.Equal(-1, ParentHintResolver.Resolve("finetunes/chat", ids, 1)); // itself
        Assert.Equal(-1, ParentHintResolver.Resolve("mistralai/Mistral-7B-v0.1", ids, 1));

        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Sub("m"));
        File.WriteAllText(temp.Sub("m/README.md"), "---\nbase_model: org/parent\n---\n");
        File.WriteAllText(temp.Sub("m/config.json"), """{"_name_or_path": "org/other"}""");
        Assert.Equal([new ParentHint("org/parent", "README.md base_model"), new ParentHint("org/other", "config.json _name_or_path")], ParentHints.Read(temp.Sub("m")));
    }
}
