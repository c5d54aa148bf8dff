using Reef.Client.Outputs;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// `reef scan --pairs candidates` on a hub that grows from 125 to 250 to 500 real checkpoints of planted families: every
/// planted derivative judged derived and no unrelated pair, while the client's peak memory, the registry's stored state and
/// the scan's files grow linearly or better (each doubling of the hub at most doubles them, with a margin for rounding). The
/// N × N views are off (`--dense-up-to 100`), as they are above 2,000 models by default: they are the one quadratic output,
/// bounded by that limit. At 125 and at 500 models the hub then grows by ten: the pairs verified for them (counted from the
/// scans' pairs.parquet) all involve them, and their number does not grow with the hub. Then the same on the three-silo
/// loopback cluster, smaller.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class HubScaleTests(ITestOutputHelper output)
{
    const int FamilySize = 5;
    /// <summary>A doubling of the hub may grow a figure by at most this factor: 2 for linear, plus 10 % for what is not.</summary>
    const double DoublingAtMost = 2.2;

    [Fact]
    public void AGrowingHubIsJudgedRightAndItsMemoryStateAndFilesGrowLinearly()
    {
        using var temp = new TempDirectory();
        var families = new List<List<string>>();
        var figures = new List<(int Models, long Rss, long State, long Files)>();
        var addingTen = new List<(int Hub, int Pairs)>();
        foreach (var models in new[] { 125, 250, 500 })
        {
            families.AddRange(PlantedFamilies.Write(temp.Sub("hub"), from: families.Count, count: models / FamilySize - families.Count, children: FamilySize - 1));
            var outDir = temp.Sub($"out-{models}");
            var run = ReefProcess.Run(["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", outDir, "--samples", "32", "--pairs", "candidates",
                "--dense-up-to", "100", "--json"], TimeSpan.FromMinutes(10));
            Assert.True(run.ExitCode == 0, run.ToString());
            var matrix = ScanMatrix.Read(outDir);
            var pairs = ScanPairs.Read(outDir);
            PlantedFamilies.AssertFound(matrix.Ids, pairs, families);
            var state = RegistryStateBytes(temp.Sub("state"));
            var files = Directory.GetFiles(outDir).Sum(f => new FileInfo(f).Length);
            figures.Add((models, run.PeakRssBytes, state, files));
            output.WriteLine($"N = {models}: {run.Wall.TotalSeconds:F0} s, {pairs.Count} pairs verified of {models * (models - 1) / 2}; client peak RSS " +
                             $"{run.PeakRssBytes / 1048576.0:F0} MiB, registry state {state / 1024.0:F0} KiB, output files {files / 1024.0:F0} KiB");
            if (models is 125 or 500) addingTen.Add((models, VerifiedForTenMore(temp, families, pairs, models)));
        }
        // Ten models bring their neighbours, samples and family closure: a bound of the policy's, not of the hub (four
        // times the hub may not double the count; every pair would be 10 × N).
        Assert.True(addingTen[1].Pairs <= 2 * addingTen[0].Pairs, $"ten more models verified {addingTen[0].Pairs} pairs at {addingTen[0].Hub} models, {addingTen[1].Pairs} at {addingTen[1].Hub}");
        Assert.True(addingTen[1].Pairs < 10 * addingTen[1].Hub / 4, $"{addingTen[1].Pairs} pairs for ten models in a hub of {addingTen[1].Hub}");
        for (var k = 1; k < figures.Count; k++)
        {
            var (a, b) = (figures[k - 1], figures[k]);
            Assert.True(b.Rss <= DoublingAtMost * a.Rss, $"client RSS {a.Rss} → {b.Rss} from {a.Models} to {b.Models} models");
            Assert.True(b.State <= DoublingAtMost * a.State, $"registry state {a.State} → {b.State} bytes from {a.Models} to {b.Models} models");
            Assert.True(b.Files <= DoublingAtMost * a.Files, $"output files {a.Files} → {b.Files} bytes from {a.Models} to {b.Models} models");
        }
    }

    /// <summary>
    /// Adds two planted families (ten models) to the hub and scans again; returns how many pairs the scan verified that the
    /// one before had not, after checking every planted relative is still found and each new pair involves a new model.
    /// </summary>
    int VerifiedForTenMore(TempDirectory temp, List<List<string>> families, ScanPairs before, int hub)
    {
        var fresh = PlantedFamilies.Write(temp.Sub("hub"), from: families.Count, count: 2, children: FamilySize - 1);
        families.AddRange(fresh);
        var outDir = temp.Sub($"out-{hub}-and-ten");
        var run = ReefProcess.Run(["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", outDir, "--samples", "32", "--pairs", "candidates",
            "--dense-up-to", "100", "--json"], TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, run.ToString());
        var pairs = ScanPairs.Read(outDir);
        PlantedFamilies.AssertFound(ScanMatrix.Read(outDir).Ids, pairs, families);
        var newModels = fresh.SelectMany(f => f).ToHashSet();
        var newPairs = pairs.All.Where(p => before[p.A, p.B] == null).ToList();
        Assert.All(newPairs, p => Assert.True(newModels.Contains(p.A) || newModels.Contains(p.B), $"{p.A} × {p.B}: a pair of old models verified again"));
        output.WriteLine($"N = {hub} + 10: {newPairs.Count} more pairs verified ({newPairs.Count / 10.0:F1} a new model; every pair would be {10 * hub + 45}), " +
                         $"{run.Wall.TotalSeconds:F0} s");
        return newPairs.Count;
    }

    /// <summary>
    /// On three silos with the store's values in a shared folder (as a hub's 10⁵ fingerprints would be: disk, not Redis'
    /// memory): planted families judged right, every fingerprint and tile in the folder, none in Redis.
    /// </summary>
    [Fact]
    public async Task ACandidateScanOnTheThreeSiloClusterJudgesPlantedFamiliesRight()
    {
        using var temp = new TempDirectory();
        var families = PlantedFamilies.Write(temp.Sub("hub"), from: 0, count: 12, children: FamilySize - 1);
        using var cluster = new LoopbackCluster(temp.Sub("logs")) { BlobFolder = Directory.CreateDirectory(temp.Sub("blobs")).FullName };
        cluster.StartSilos(("cpu-0", 0), ("accel-1", 1), ("accel-2", 1));
        var run = ReefProcess.Run(["scan", temp.Sub("hub"), "--cluster", cluster.Redis, "--blob-folder", temp.Sub("blobs"), "--out", temp.Sub("out"),
            "--samples", "32", "--pairs", "candidates", "--json"], TimeSpan.FromMinutes(8), cluster.Environment);
        Assert.True(run.ExitCode == 0, run.ToString());
        var matrix = ScanMatrix.Read(temp.Sub("out"));
        var pairs = ScanPairs.Read(temp.Sub("out"));
        PlantedFamilies.AssertFound(matrix.Ids, pairs, families);
        var n = matrix.Ids.Count;
        output.WriteLine($"{n} models on three silos ({string.Join(", ", matrix.Models.GroupBy(m => m.Silo).Select(g => $"{g.Key}: {g.Count()}"))}): " +
                         $"{pairs.Count} pairs verified of {n * (n - 1) / 2} in {run.Wall.TotalSeconds:F0} s");
        Assert.True(pairs.Count < n * (n - 1) / 2);

        Assert.Equal(matrix.Models.Select(m => m.Fingerprint).Distinct().Count(), Directory.GetFiles(temp.Sub("blobs/fingerprints")).Length);
        Assert.NotEmpty(Directory.GetFiles(temp.Sub("blobs/tiles")));
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(cluster.RedisOptions);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        Assert.Empty(server.Keys(pattern: "reef:blob:*"));
        Assert.NotEmpty(server.Keys(pattern: "reef:count:*"));
    }

    /// <summary>Bytes of the registry grain's stored state (the file storage's one RegistryState record).</summary>
    static long RegistryStateBytes(string state) =>
        Directory.GetFiles(Path.Combine(state, "grains")).Where(f => File.ReadAllText(f).Contains("Reef.Grains.RegistryState", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);
}
