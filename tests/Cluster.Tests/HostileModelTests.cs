using System.Text;
using Reef.Client;
using Reef.Client.Outputs;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// The hardening issue's second round, row by row: every crafted model of <see cref="HostileModels"/> through the reef command
/// line as its own process — exit 3 naming the file and the problem, under 10 s and 1 GB, no stack trace or native frame, no
/// temporary file left — and hubs of them beside valid models scanned to exit 4, every bad file listed, the valid ones judged.
/// The table it prints (case, exit, seconds, peak RSS) is the one the closing note reports.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class HostileModelTests(ITestOutputHelper output)
{
    static readonly TimeSpan WallLimit = TimeSpan.FromSeconds(10);
    const long RssLimit = 1L << 30;

    sealed record Row(string Case, string Command, ReefProcess.Result Result, string? Problem);

    [Fact]
    public void EveryHostileModelIsRefusedNamingItsFileInSecondsAndBoundedMemory()
    {
        using var temp = new TempDirectory();
        var cases = HostileModels.Write(temp.Sub("hub"));
        var scratch = temp.Sub("tmp");
        Directory.CreateDirectory(scratch);
        var environment = new Dictionary<string, string> { ["TMPDIR"] = scratch };
        var valid = temp.Sub("hub/valid.gguf");
        var rows = new List<Row>();
        Row Run(HostileModel model, params string[] args)
        {
            var result = ReefProcess.Run([.. args, .. model.Options ?? []], TimeSpan.FromMinutes(2), environment);
            var problems = new List<string>();
            if (result.ExitCode != ExitCodes.BadInput) problems.Add($"exit {result.ExitCode}, not 3");
            if (!result.Error.Contains(model.Named)) problems.Add($"does not name {model.Named}");
            if (!result.Error.Contains(model.Problem)) problems.Add($"does not say \"{model.Problem}\"");
            if (result.ShowsStackTrace) problems.Add("shows a stack trace or native frames");
            if (result.Wall >= WallLimit) problems.Add($"took {result.Wall.TotalSeconds:F1} s");
            if (result.PeakRssBytes >= RssLimit) problems.Add($"peak RSS {result.PeakRssBytes >> 20} MiB");
            if (Directory.EnumerateFileSystemEntries(scratch).Any()) problems.Add($"left {string.Join(", ", Directory.EnumerateFileSystemEntries(scratch).Select(Path.GetFileName))} in the temp folder");
            foreach (var f in Directory.EnumerateFileSystemEntries(scratch)) File.Delete(f);
            var row = new Row(model.Name, args[0], result, problems.Count == 0 ? null : string.Join("; ", problems) + $"\n{result}");
            rows.Add(row);
            return row;
        }
        foreach (var model in cases)
        {
            var fingerprint = temp.Sub("out.reef");
            var row = Run(model, "fingerprint", model.Path, "--samples", "16", "--out", fingerprint);
            if (File.Exists(fingerprint))
            {
                rows[^1] = row with { Problem = "a fingerprint was written; " + row.Problem };
                File.Delete(fingerprint);
            }
            // compare reads both models as fingerprint does: the bad one is named, whichever side it is on.
            Run(model, "compare", valid, model.Path, "--samples", "16");
        }
        var zero = cases.Single(c => c.Name.Contains("all zero"));
        Run(zero, "compare", zero.Path, zero.Path, "--samples", "16");

        var table = new StringBuilder("| case | command | exit | s | peak RSS MiB | message |\n|---|---|---|---|---|---|\n");
        foreach (var r in rows)
            table.AppendLine($"| {r.Case} | {r.Command} | {r.Result.ExitCode} | {r.Result.Wall.TotalSeconds:F1} | {r.Result.PeakRssBytes >> 20} | " +
                             $"{r.Result.Error.Trim().Replace(temp.Path, "…").Replace('\n', ' ')} |");
        output.WriteLine(table.ToString());
        var failed = rows.Where(r => r.Problem != null).Select(r => $"{r.Case} ({r.Command}): {r.Problem}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n\n", failed));
    }

    /// <summary>
    /// Memory follows the bytes the work needs: a GGUF whose 1 GB embedding (every byte on disk) is four times the memory budget is
    /// fingerprinted under it, streamed, holding only the rows its probes use — and its fingerprint is the one of the same model with
    /// a small embedding, since those rows are the same.
    /// </summary>
    [Fact]
    public void AnEmbeddingLargerThanTheBudgetCostsOnlyTheRowsTheProbesUse()
    {
        using var temp = new TempDirectory();
        HostileModels.Write(temp.Sub("hub"));
        var large = HostileModels.WithLargeEmbedding(temp.Sub("hub"), temp.Sub("large.gguf"), rows: 4_000_000);
        var result = ReefProcess.Run(["fingerprint", large, "--samples", "16", "--max-memory", "256MB", "--out", temp.Sub("large.reef")], TimeSpan.FromMinutes(2));
        output.WriteLine($"1 GB embedding under --max-memory 256MB: {result}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.PeakRssBytes < 600L << 20, $"peak RSS {result.PeakRssBytes >> 20} MiB");
        Assert.Equal(0, ReefProcess.Run(["fingerprint", temp.Sub("hub/valid.gguf"), "--samples", "16", "--out", temp.Sub("small.reef")]).ExitCode);
        var (a, b) = (Reef.Engine.Fingerprints.FingerprintFile.Read(temp.Sub("large.reef")), Reef.Engine.Fingerprints.FingerprintFile.Read(temp.Sub("small.reef")));
        var grams = a.Grams[Reef.Engine.Fingerprints.Preprocessing.Standardized];
        for (var layer = 0; layer < grams.Count; layer++)
            Assert.Equal(b.Grams[Reef.Engine.Fingerprints.Preprocessing.Standardized][layer], grams[layer]);
    }

    /// <summary>
    /// The issue's first row: a GGUF whose head_count_kv does not divide head_count beside a valid model. The scan ends with
    /// exit 4 listing it; the same scan again resumes to the same answer, reading nothing again and retrying no input failure.
    /// </summary>
    [Fact]
    public void AHubWithOneBadGgufScansToExit4AndResumesTheSame()
    {
        using var temp = new TempDirectory();
        var cases = HostileModels.Write(temp.Sub("corpus"));
        Directory.CreateDirectory(temp.Sub("hub"));
        File.Copy(temp.Sub("corpus/valid.gguf"), temp.Sub("hub/valid.gguf"));
        var bad = cases.First(c => c.Name.StartsWith("head_count_kv does not divide"));
        File.Copy(bad.Path, temp.Sub("hub/bad.gguf"));
        Directory.CreateDirectory(temp.Sub("tmp"));
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temp.Sub("tmp") };
        string[] scan = ["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "16", "--json"];
        foreach (var attempt in new[] { "first", "again" })
        {
            var result = ReefProcess.Run(scan, TimeSpan.FromMinutes(3), environment);
            output.WriteLine($"{attempt}: {result}");
            Assert.True(result.ExitCode == ExitCodes.PartlyFailed, result.ToString());
            Assert.False(result.ShowsStackTrace, result.ToString());
            var summary = ScanSummary.Parse(result.Out);
            Assert.Equal(2, summary.Models);
            Assert.Equal(1, summary.Fingerprinted);
            var failure = Assert.Single(summary.Failures);
            Assert.Equal("bad.gguf", failure.Id);
            Assert.Contains(temp.Sub("hub/bad.gguf"), failure.Reason);
            Assert.Contains("head_count_kv", failure.Reason);
            Assert.Equal(attempt == "first" ? 1 : 0, summary.Extracted);
            Assert.Contains(ModelsTable.Read(temp.Sub("out")), m => m.Id == "bad.gguf" && m.FailureKind == "invalid_checkpoint");
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Sub("tmp")));
        }
    }

    /// <summary>Every class of bad file at once, beside valid models: exit 4, each bad file listed with its problem, the valid ones judged.</summary>
    [Fact]
    public void AHubOfEveryHostileModelScansToExit4ListingEachAndJudgingTheValidOnes()
    {
        using var temp = new TempDirectory();
        var cases = HostileModels.Write(temp.Sub("hub"));
        Directory.CreateDirectory(temp.Sub("tmp"));
        var result = ReefProcess.Run(["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "16", "--json"],
            TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["TMPDIR"] = temp.Sub("tmp") });
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == ExitCodes.PartlyFailed, result.ToString());
        Assert.False(result.ShowsStackTrace, result.ToString());
        var summary = ScanSummary.Parse(result.Out);
        Assert.Equal(cases.Count + HostileModels.Valid.Length, summary.Models);
        Assert.Equal(HostileModels.Valid.Length, summary.Fingerprinted);
        foreach (var bad in cases)
        {
            var id = Path.GetRelativePath(temp.Sub("hub"), bad.Path);
            var failure = summary.Failures.SingleOrDefault(f => f.Id == id);
            Assert.True(failure != null, $"{bad.Name} ({id}) is not listed as failed");
            Assert.Contains(bad.Named, failure.Reason);
            Assert.Contains(bad.Problem, failure.Reason);
        }
        var pair = Assert.Single(PairsTable.Read(temp.Sub("out")));
        Assert.Equal(HostileModels.Valid.Order(StringComparer.Ordinal), new[] { pair.A, pair.B }.Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrEmpty(pair.Verdict));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Sub("tmp")));
        // Every failure is the model's own (its files are wrong), never an internal error, so a rescan does not retry it.
        var kinds = ModelsTable.Read(temp.Sub("out")).Where(m => m.Status == "failed").ToDictionary(m => m.Id, m => m.FailureKind);
        Assert.All(kinds, k => Assert.True(k.Value is "invalid_weights" or "invalid_checkpoint", $"{k.Key}: {k.Value}"));
        var again = ReefProcess.Run(["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out2"), "--samples", "16", "--json"],
            TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["TMPDIR"] = temp.Sub("tmp") });
        output.WriteLine($"again: {again}");
        Assert.True(again.ExitCode == ExitCodes.PartlyFailed, again.ToString());
        var rescan = ScanSummary.Parse(again.Out);
        Assert.Equal(0, rescan.Extracted);
        Assert.Equal(summary.Failures.Select(f => (f.Id, f.Reason)).Order(), rescan.Failures.Select(f => (f.Id, f.Reason)).Order());
    }
}
