using Reef.Client.Outputs;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// `reef scan --pairs candidates` on hubs of planted families: every planted derivative judged derived, no unrelated pair
/// derived, and a hub that grows by ten models verifies only pairs that involve them, a number that does not grow with
/// the hub; models can be removed again.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class CandidateScanTests(ITestOutputHelper output)
{
    [Fact]
    public void AddingTenModelsVerifiesOnlyTheirPairs()
    {
        using var temp = new TempDirectory();
        var hub = temp.Sub("hub");
        var first = PlantedFamilies.Write(hub, from: 0, count: 16);
        var (before, pairsBefore) = Scan(temp, "out1");
        PlantedFamilies.AssertFound(before.Ids, pairsBefore, first);

        // The second scan writes what a hub above --dense-up-to gets: no N × N views, the Parquet tables and a report of families.
        var added = PlantedFamilies.Write(hub, from: 16, count: 2, children: 4);
        var (after, pairsAfter) = Scan(temp, "out2", "--dense-up-to", "10");
        PlantedFamilies.AssertFound(after.Ids, pairsAfter, first.Concat(added).ToList());
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

        // Removing a family: its models leave the registry — no suspect list names them, they have no suspects — and an
        // id the registry does not hold is bad input.
        var gone = added[0];
        var remove = Cli.Run(["remove", .. gone, "--state", temp.Sub("state"), "--json"]);
        Assert.True(remove.ExitCode == 0, remove.Error);
        foreach (var id in first.Select(f => f[0]).Append(added[1][0]))
        {
            var suspects = Cli.Run("suspects", id, "--top", "1000", "--json", "--state", temp.Sub("state"));
            Assert.True(suspects.ExitCode == 0, suspects.Error);
            Assert.DoesNotContain(gone, g => suspects.Out.Contains($"\"{g}\"", StringComparison.Ordinal));
        }
        Assert.Equal(2, Cli.Run("suspects", gone[0], "--state", temp.Sub("state")).ExitCode);
        var unknown = Cli.Run("remove", gone[0], "--state", temp.Sub("state"));
        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains(gone[0], unknown.Error);
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
