using Reef.Client.Outputs;
using Reef.Client.Scanning;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// Multi-process on loopback: real redis-server, three silo processes (two accelerator, one CPU) and the reef
/// client as its own process; silos are killed with SIGKILL in the middle of a scan.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class LoopbackClusterTests(ITestOutputHelper output)
{
    const int Extra = 8;
    const string Samples = "96";

    [Fact]
    public async Task ScanCompletesWhenAnAcceleratorSiloIsKilledAndTheMatrixEqualsTheFaultFreeOne()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"), hidden: 128, layers: 4, extra: Extra);
        using var cluster = StartCluster(temp);
        var client = cluster.StartClient("client", "scan", temp.Sub("hub"), "--cluster", cluster.Redis, "--scan-id", "kill-test",
            "--out", temp.Sub("cluster-out"), "--samples", Samples, "--window", "4", "--json");

        var before = await WaitForDone("kill-test", cluster, atLeast: 2);
        cluster.Kill("accel-1");
        output.WriteLine($"killed accel-1 with {before.Done} of {before.Total} models done");
        Assert.True(before.Done < before.Total, "the scan finished before the silo could be killed; make it longer");

        Assert.True(LoggedProcess.WaitForExit(client, TimeSpan.FromMinutes(6)), "scan did not finish");
        Assert.True(client.ExitCode == 0, cluster.Log("client"));
        var clustered = ScanMatrix.Read(temp.Sub("cluster-out"));
        Assert.Equal(ids, clustered.Ids);
        Assert.All(clustered.Models, m => Assert.Equal("done", m.Status));

        var embedded = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("embedded-out"), "--samples", Samples);
        Assert.True(embedded.ExitCode == 0, embedded.Error);
        var difference = clustered.MaxDifference(ScanMatrix.Read(temp.Sub("embedded-out")));
        output.WriteLine($"max |cluster with a killed silo − embedded| = {difference:E2}");
        Assert.True(difference <= 1e-6, $"matrices differ by {difference}");
    }

    [Fact]
    public async Task StoppingEverythingMidScanThenStartingAgainResumesWithoutRecomputingAFinishedFingerprint()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"), hidden: 128, layers: 4, extra: Extra);
        using var cluster = StartCluster(temp);
        string[] scan = ["scan", temp.Sub("hub"), "--cluster", cluster.Redis, "--scan-id", "resume-test", "--out", temp.Sub("out"),
            "--samples", Samples, "--window", "4", "--json"];
        var first = cluster.StartClient("client-1", scan);
        var before = await WaitForDone("resume-test", cluster, atLeast: 3);
        first.Kill(entireProcessTree: true);
        cluster.KillAllSilos();
        var finishedBefore = before.Models.Where(m => m.Status == FingerprintStatus.Done).ToList();
        output.WriteLine($"stopped everything with {finishedBefore.Count} of {before.Total} models done");
        Assert.True(finishedBefore.Count < before.Total, "the scan finished before it could be stopped; make it longer");

        StartSilos(cluster);
        var second = cluster.StartClient("client-2", scan);
        Assert.True(LoggedProcess.WaitForExit(second, TimeSpan.FromMinutes(6)), "resumed scan did not finish");
        Assert.True(second.ExitCode == 0, cluster.Log("client-2"));

        Assert.Equal(ids.Count, ScanSummary.Parse(cluster.Output("client-2")).Fingerprinted);
        var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisOptions);
        await using var _ = redis;
        var store = new Reef.Hosting.RedisBlobStore(redis);
        var recomputed = 0;
        foreach (var m in finishedBefore)
            if (await store.GetCounterAsync(StoreKeys.ExtractionCounter(m.FingerprintKey!)) != 1) recomputed++;
        // Over both runs, every distinct checkpoint was extracted exactly once (the HF-cache twin shares other-a's).
        var keys = ScanMatrix.Read(temp.Sub("out")).Models.Select(m => m.Fingerprint!).Distinct().ToList();
        var counts = new List<long>();
        foreach (var key in keys) counts.Add(await store.GetCounterAsync(StoreKeys.ExtractionCounter(key)));
        output.WriteLine($"finished before the stop: {finishedBefore.Count}; recomputed after: {recomputed}; " +
                         $"extractions per fingerprint over both runs: {string.Join(",", counts)}");
        Assert.Equal(0, recomputed);
        Assert.Equal(ids.Count - 1, keys.Count);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    LoopbackCluster StartCluster(TempDirectory temp)
    {
        var cluster = new LoopbackCluster(temp.Sub("logs"));
        StartSilos(cluster);
        return cluster;
    }

    static void StartSilos(LoopbackCluster cluster)
    {
        cluster.StartSilos(("cpu-0", 0), ("accel-1", 1), ("accel-2", 1));
    }

    /// <summary>Watches the scan from an Orleans client in the test process until at least <paramref name="atLeast"/> models are done.</summary>
    static async Task<ScanProgress> WaitForDone(string scanId, LoopbackCluster cluster, int atLeast)
    {
        using var state = new TempDirectory();
        await using var connection = await ReefConnection.OpenAsync(cluster.RedisOptions, state.Path, TextWriter.Null);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                if (await connection.Client.GetGrain<IScanGrain>(scanId).GetProgressAsync() is { } p && p.Done >= atLeast) return p;
            }
            catch (Exception) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"scan {scanId} did not reach {atLeast} models");
            await Task.Delay(100);
        }
    }
}
