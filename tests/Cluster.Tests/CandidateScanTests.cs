using Reef.Client.Outputs;
using Reef.Engine.Lab.Derivation;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// `reef scan --pairs candidates` on hubs of planted families: every planted derivative judged derived, no unrelated pair
/// derived, and a hub that grows by ten models verifies only pairs that involve them, a number that does not grow with
/// the hub.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class CandidateScanTests(ITestOutputHelper output)
{
    [Fact]
    public void AddingTenModelsVerifiesOnlyTheirPairs()
    {
        using var temp = new TempDirectory();
        var hub = temp.Sub("hub");
        var first = Families(hub, from: 0, count: 16);
        var (before, pairsBefore) = Scan(temp, "out1");
        AssertPlantedFamiliesFound(before, pairsBefore, first);

        // The second scan writes what a hub above --dense-up-to gets: no N × N views, the Parquet tables and a report of families.
        var added = Families(hub, from: 16, count: 2, children: 4);
        var (after, pairsAfter) = Scan(temp, "out2", "--dense-up-to", "10");
        AssertPlantedFamiliesFound(after, pairsAfter, first.Concat(added).ToList());
        AssertSparseOutputs(temp.Sub("out2"), after, first.Count + added.Count);

        var verifiedBefore = pairsBefore.All.Select(p => (p.A, p.B)).ToHashSet();
        var verifiedAfter = pairsAfter.All.Select(p => (p.A, p.B)).ToHashSet();
        var fresh = added.SelectMany(f => f).ToHashSet();
        var newPairs = verifiedAfter.Except(verifiedBefore).ToList();
        var oldModels = before.Ids.Count;
        output.WriteLine($"{oldModels} models: {verifiedBefore.Count} pairs verified of {oldModels * (oldModels - 1) / 2}; " +
                         $"+{fresh.Count} models: {newPairs.Count} more pairs (every pair would be {fresh.Count * oldModels + fresh.Count * (fresh.Count - 1) / 2})");
        Assert.All(newPairs, p => Assert.True(fresh.Contains(p.A) || fresh.Contains(p.B), $"{p.A} × {p.B}: a pair of old models verified again"));
        // Per new model: its neighbours on two signals and its samples, with the other side's searches and the closure
        // inside its family on top; bounded by the policy, not by the hub.
        Assert.True(newPairs.Count < fresh.Count * oldModels, $"{newPairs.Count} new pairs for {fresh.Count} models");
    }

    /// <summary>Families of a random source and light derivatives (noise, permutation); returns each family's ids.</summary>
    static List<List<string>> Families(string hub, int from, int count, int children = 2)
    {
        var config = RandomModel.SmallLlama(hidden: 32, layers: 2, heads: 4, kvHeads: 2, ffn: 64);
        var families = new List<List<string>>();
        for (var f = from; f < from + count; f++)
        {
            var source = $"f{f:D2}/source";
            RandomModel.WriteCheckpoint(Path.Combine(hub, source), config, seed: 1000 + f, std: 0.15);
            var family = new List<string> { source };
            for (var c = 0; c < children; c++)
            {
                var child = $"f{f:D2}/child-{c}";
                if (c % 2 == 0) GaussianNoise.Apply(Path.Combine(hub, source), Path.Combine(hub, child), 0.02, seed: 10 * f + c);
                else Permute.Apply(Path.Combine(hub, source), Path.Combine(hub, child), seed: 10 * f + c);
                family.Add(child);
            }
            families.Add(family);
        }
        return families;
    }

    static void AssertPlantedFamiliesFound(MatrixFile m, ScanPairs pairs, IReadOnlyList<List<string>> families)
    {
        var familyOf = families.SelectMany((f, i) => f.Select(id => (id, i))).ToDictionary(p => p.id, p => p.i);
        for (var i = 0; i < m.Ids.Count; i++)
        for (var j = i + 1; j < m.Ids.Count; j++)
        {
            var same = familyOf[m.Ids[i]] == familyOf[m.Ids[j]];
            var verdict = pairs[m.Ids[i], m.Ids[j]]?.Verdict;
            if (same) Assert.True(verdict == "derived", $"{m.Ids[i]} × {m.Ids[j]}: planted relatives, {verdict ?? "not verified"}");
            else Assert.True(verdict != "derived", $"{m.Ids[i]} × {m.Ids[j]}: unrelated, judged derived");
        }
    }

    /// <summary>A scan above --dense-up-to: no N × N views anywhere, every model in models.parquet, a report of families.</summary>
    static void AssertSparseOutputs(string outDir, MatrixFile m, int families)
    {
        Assert.False(File.Exists(Path.Combine(outDir, OutputFiles.MatrixCsv)));
        Assert.False(File.Exists(Path.Combine(outDir, "matrix.png")));
        Assert.Null(m.ReefLayer);
        Assert.Null(m.Verdicts);
        Assert.Equal(10, m.DenseViewsUpTo);
        var models = ModelsTable.Read(outDir);
        Assert.Equal(m.Ids.Order(), models.Select(r => r.Id).Order());
        Assert.Equal(families, models.Select(r => r.Family).Distinct().Count());
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("Families, pair by pair", html);
        Assert.Contains("Score distribution", html);
        Assert.Equal(Math.Min(families, 12), html.Split("<figure class=\"family\">").Length - 1);
        Assert.Empty(ReportChecks.ExternalReferences(html));
    }

    static (MatrixFile, ScanPairs) Scan(TempDirectory temp, string outDir, params string[] options)
    {
        var run = Cli.Run(["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub(outDir), "--samples", "48", "--pairs", "candidates", .. options]);
        Assert.True(run.ExitCode == 0, run.Error);
        return (ScanMatrix.Read(temp.Sub(outDir)), ScanPairs.Read(temp.Sub(outDir)));
    }
}
