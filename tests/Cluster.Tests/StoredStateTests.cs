using System.Text.Json;
using Reef.Client.Outputs;

namespace Reef.Cluster.Tests;

/// <summary>
/// State written by an earlier version reads with this one: a registry, its scans and its models stored by the
/// layout before grain state had [Id] members and model facts (tests/data/state-v1), and that scan's output files.
/// </summary>
public sealed class StoredStateTests
{
    static string Fixture(string name) => Path.Combine(SharedData.Tests, name);

    [Fact]
    public void AStateFolderOfThePreviousLayoutReadsAndItsFingerprintsAreReused()
    {
        using var temp = new TempDirectory();
        CopyFolder(Fixture("state-v1"), temp.Sub("state"));

        // The old scan, as the old version left it.
        var status = Cli.Run("status", "--state", temp.Sub("state"), "--json");
        Assert.True(status.ExitCode == 0, status.Error);
        using (var scans = JsonDocument.Parse(status.Out))
        {
            var old = scans.RootElement.EnumerateArray().Single(s => s.GetProperty("scan").GetString() == "v1-scan");
            Assert.Equal("done", old.GetProperty("phase").GetString());
            Assert.Equal(6, old.GetProperty("models").GetInt32());
            Assert.Equal(6, old.GetProperty("done").GetInt32());
            Assert.Equal(5, old.GetProperty("extracted").GetInt32());
        }

        // The same checkpoints again (TestHub writes the same bytes): every stored fingerprint is found through the old
        // model states and store; the checkpoints are read once more only for the facts the old states lack.
        var ids = TestHub.Write(temp.Sub("hub"));
        var run = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "16", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var summary = ScanSummary.Parse(run.Out);
        Assert.Equal(ids.Count, summary.Fingerprinted);
        Assert.Equal(0, summary.Extracted);
        Assert.All(Directory.GetFiles(temp.Sub("state/store/counters/extractions")), c => Assert.Equal("1", File.ReadAllText(c)));

        var matrix = OutputFiles.ReadMatrix(temp.Sub("out"));
        Assert.All(matrix.Models, m => Assert.Equal("LlamaForCausalLM", m.Architecture));
        Assert.Equal(5, matrix.Models.Select(m => m.Fingerprint).Distinct().Count());

        // The old registry's tiles (format 1, no weight scores) were scored again: the weights are there now, and the
        // REEF scores equal what the old version wrote (in float64; tiles multiply in float32 now, within 1e-5).
        Assert.NotNull(matrix.Weights);
        Assert.True(matrix.Weights![matrix.Ids.ToList().IndexOf("family/source")][matrix.Ids.ToList().IndexOf("family/source.permute")] > 0.99);
        var before = OutputFiles.ReadMatrix(Fixture("outputs-v1"));
        Assert.True(matrix.MaxDifference(before) < 1e-5, $"scores moved by {matrix.MaxDifference(before)}");
    }

    [Fact]
    public void OutputFilesWrittenBeforeTheyStatedAVersionReadAsVersionOne()
    {
        var matrix = OutputFiles.ReadMatrix(Fixture("outputs-v1"));
        Assert.Equal(1, matrix.FormatVersion);
        Assert.Equal(6, matrix.Ids.Count);
        Assert.Equal("v1-scan", matrix.Scan);
        var families = OutputFiles.ReadFamilies(Fixture("outputs-v1"));
        Assert.Equal(["family/source", "family/source.noise", "family/source.permute"], families.Families[0].Members);

        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("matrix.json"), File.ReadAllText(Path.Combine(Fixture("outputs-v1"), "matrix.json")).Replace("\"scan\":", "\"format_version\": 7, \"scan\":"));
        var e = Assert.Throws<Reef.Engine.InvalidInputException>(() => OutputFiles.ReadMatrix(temp.Path));
        Assert.Contains("format version 7", e.Message);
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
