using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Reef.Client;
using Reef.Client.Outputs;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Store;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// What a hub written by strangers (or a hostile uploader) can hold, and what an unattended scan meets, each on real
/// files through the reef command line as its own process: the exit code, a message naming the file and the problem,
/// under 30 seconds and 1 GB of resident memory, and nothing already computed lost.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    static readonly TimeSpan WallLimit = TimeSpan.FromSeconds(30);
    const long RssLimit = 1L << 30;

    ReefProcess.Result Reef(params string[] args)
    {
        var result = ReefProcess.Run(args, TimeSpan.FromMinutes(2));
        output.WriteLine($"reef {string.Join(' ', args.Select(a => a.Length > 60 ? "…" + a[^40..] : a))}: {result}");
        Assert.True(result.Wall < WallLimit, $"took {result.Wall.TotalSeconds:F1} s");
        Assert.True(result.PeakRssBytes < RssLimit, $"peak RSS {result.PeakRssBytes >> 20} MiB");
        return result;
    }

    static void BadInput(ReefProcess.Result result, string file, string problem) => result.AssertBadInput(file, problem);

    static string Model(string directory, long seed = 1)
    {
        RandomModel.WriteCheckpoint(directory, RandomModel.SmallLlama(hidden: 32, layers: 2, heads: 2, kvHeads: 1, ffn: 64), seed, std: 0.15);
        return directory;
    }

    static void MakeFifo(string path) => Process.Start("mkfifo", [path])!.WaitForExit();

    [Theory]
    [InlineData("num_hidden_layers", "1e20", "not a whole number")]
    [InlineData("num_hidden_layers", "1000000000", "above the 4096")]
    [InlineData("num_hidden_layers", "4000", "claims 4000 decoder layers; the weights hold 2")]
    [InlineData("hidden_size", "1e20", "not a whole number")]
    [InlineData("intermediate_size", "100000000000", "not a whole number that fits")]
    [InlineData("vocab_size", "2000000000", "above the 16777216")]
    public void AConfigsAbsurdSizesAreRefusedBeforeAnythingIsAllocated(string field, string value, string problem)
    {
        using var temp = new TempDirectory();
        var model = Model(temp.Sub("model"));
        var config = Path.Combine(model, "config.json");
        File.WriteAllText(config, Regex.Replace(File.ReadAllText(config), $"\"{field}\":\\s*\\d+", $"\"{field}\": {value}"));
        BadInput(Reef("fingerprint", model, "--samples", "8", "--out", temp.Sub("m.reef")), config, problem);
        Assert.False(File.Exists(temp.Sub("m.reef")));
    }

    [Fact]
    public void AWeightFileThatIsAFifoFailsItsModelAtOnceAndTheScanGoesOn()
    {
        using var temp = new TempDirectory();
        var good = Model(temp.Sub("hub/good"));
        var fifo = Model(temp.Sub("hub/fifo"), seed: 2);
        var weights = Directory.GetFiles(fifo, "*.safetensors").Single();
        File.Delete(weights);
        MakeFifo(weights);

        BadInput(Reef("fingerprint", fifo, "--samples", "8", "--out", temp.Sub("f.reef")), weights, "FIFO");
        var scan = Reef("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "32", "--json");
        Assert.True(scan.ExitCode == ExitCodes.PartlyFailed, scan.ToString());
        var summary = ScanSummary.Parse(scan.Out);
        Assert.Equal(1, summary.Fingerprinted);
        var failure = Assert.Single(summary.Failures);
        Assert.Equal("fifo", failure.Id);
        Assert.Contains(weights, failure.Reason);
        Assert.Contains("FIFO", failure.Reason);
        Assert.Contains(OutputFiles.ReadMatrix(temp.Sub("out")).Models, m => m.Id == "fifo" && m.FailureKind == "invalid_checkpoint");
        _ = good;

        // Nothing computed is lost: a second scan extracts nothing and fails the same model for the same reason.
        var again = ScanSummary.Parse(Reef("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "32", "--json").Out);
        Assert.Equal(0, again.Extracted);
        Assert.Equal("fifo", Assert.Single(again.Failures).Id);
    }

    [Fact]
    public void LinkLoopsAndLinksOutOfTheHubAreReportedAndNotFollowed()
    {
        using var temp = new TempDirectory();
        Model(temp.Sub("hub/good"));
        var outside = Model(temp.Sub("outside"), seed: 3);
        Directory.CreateSymbolicLink(temp.Sub("hub/loop"), ".");
        Directory.CreateSymbolicLink(temp.Sub("hub/elsewhere"), outside);
        var leaky = Model(temp.Sub("hub/leaky"), seed: 4);
        var weights = Directory.GetFiles(leaky, "*.safetensors").Single();
        File.Delete(weights);
        File.CreateSymbolicLink(weights, Directory.GetFiles(outside, "*.safetensors").Single());

        var scan = Reef("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "32", "--json");
        Assert.True(scan.ExitCode == ExitCodes.PartlyFailed, scan.ToString());
        var summary = ScanSummary.Parse(scan.Out);
        Assert.Equal(2, summary.Models); // good and leaky: no phantom loop/loop/…/good
        Assert.Equal(1, summary.Fingerprinted);
        var leak = Assert.Single(summary.Failures);
        Assert.Equal("leaky", leak.Id);
        Assert.Contains("links outside the hub", leak.Reason);
        Assert.Contains(summary.Skipped!, s => s.Contains(temp.Sub("hub/loop")) && s.Contains("link loop"));
        Assert.Contains(summary.Skipped!, s => s.Contains(temp.Sub("hub/elsewhere")) && s.Contains("out of the hub"));
        Assert.Equal(summary.Skipped, OutputFiles.ReadMatrix(temp.Sub("out")).Skipped);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void AProbeSetTooSmallToJudgeIsRefused(int statements)
    {
        using var temp = new TempDirectory();
        var a = Model(temp.Sub("a"));
        var b = Model(temp.Sub("b"), seed: 2);
        var probes = temp.Sub("probes.txt");
        File.WriteAllLines(probes, Enumerable.Range(0, statements).Select(i => $"Statement number {i} is short."));
        BadInput(Reef("compare", a, a, "--probes", probes), probes, $"holds {statements} statements");
        BadInput(Reef("compare", a, b, "--probes", probes), probes, "a fingerprint needs at least 8");
    }

    [Fact]
    public void AFiftyMegabyteProbeStatementIsRefusedBeforeAnyTokenizerSeesIt()
    {
        using var temp = new TempDirectory();
        var model = Model(temp.Sub("model"));
        var probes = temp.Sub("probes.txt");
        using (var writer = new StreamWriter(probes))
        {
            writer.Write(new string('a', 50 << 20));
            writer.WriteLine(".");
            for (var i = 0; i < 10; i++) writer.WriteLine($"A normal statement {i}.");
        }
        BadInput(Reef("fingerprint", model, "--probes", probes, "--out", temp.Sub("m.reef")), probes, "statement 1 is 50.0 MiB, over the limit of 64.0 KiB (--max-statement-bytes)");
    }

    [Fact]
    public void A200MegabyteTokenizerIsRefusedNamingItAndTheScanSaysWhy()
    {
        using var temp = new TempDirectory();
        Model(temp.Sub("hub/good"));
        var big = Model(temp.Sub("hub/big-tokenizer"), seed: 2);
        var tokenizer = Path.Combine(big, "tokenizer.json");
        using (var writer = new StreamWriter(tokenizer))
        {
            writer.Write("{\"padding\": \"");
            for (var i = 0; i < 200; i++) writer.Write(new string('x', 1 << 20));
            writer.Write("\"}");
        }
        BadInput(Reef("fingerprint", big, "--samples", "8", "--out", temp.Sub("b.reef")), tokenizer, "over the limit of 64.0 MiB (--max-tokenizer-bytes)");

        var scan = Reef("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "32", "--json");
        Assert.True(scan.ExitCode == ExitCodes.PartlyFailed, scan.ToString());
        var failure = Assert.Single(ScanSummary.Parse(scan.Out).Failures);
        Assert.Equal("big-tokenizer", failure.Id);
        Assert.Contains(tokenizer, failure.Reason);
        Assert.Contains("--max-tokenizer-bytes", failure.Reason);
    }

    /// <summary>A malformed tokenizer.json fails its model with the reason, never silently (it once just dropped the weight signal).</summary>
    [Fact]
    public void AMalformedTokenizerFailsItsModelSayingWhy()
    {
        using var temp = new TempDirectory();
        Model(temp.Sub("hub/good"));
        var broken = Model(temp.Sub("hub/broken-tokenizer"), seed: 2);
        var tokenizer = Path.Combine(broken, "tokenizer.json");
        File.WriteAllText(tokenizer, "{\"model\": 5}");
        var scan = Reef("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "32", "--json");
        Assert.True(scan.ExitCode == ExitCodes.PartlyFailed, scan.ToString());
        var failure = Assert.Single(ScanSummary.Parse(scan.Out).Failures);
        Assert.Equal("broken-tokenizer", failure.Id);
        Assert.Contains(tokenizer, failure.Reason);
    }

    [Fact]
    public void AFingerprintWithAValidChecksumButNoLayersOrNaNGramsIsRefusedNamingIt()
    {
        using var temp = new TempDirectory();
        var model = Model(temp.Sub("model"));
        Assert.Equal(0, Reef("fingerprint", model, "--samples", "32", "--out", temp.Sub("good.reef")).ExitCode);
        var good = FingerprintFile.Read(temp.Sub("good.reef"));

        // Written by the writer itself, so the checksum is valid: only the structure is wrong.
        FingerprintFile.Write(good with { Grams = good.Grams.ToDictionary(kv => kv.Key, _ => (IReadOnlyList<float[]>)[]) }, temp.Sub("no-layers.reef"));
        var grams = good.Grams.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<float[]>)kv.Value.Select(g => g.ToArray()).ToList());
        grams[Preprocessing.Standardized][1][5] = float.NaN;
        FingerprintFile.Write(good with { Grams = grams }, temp.Sub("nan.reef"));

        BadInput(Reef("compare", temp.Sub("no-layers.reef"), temp.Sub("good.reef")), temp.Sub("no-layers.reef"), "holds 0 layers");
        BadInput(Reef("compare", temp.Sub("good.reef"), temp.Sub("nan.reef")), temp.Sub("nan.reef"), "Gram of layer 1 holds NaN");
    }

    /// <summary>
    /// A stored fingerprint, tile and weight evidence corrupted in the store between two scans: the second scan finds them where
    /// it reads them, says so, deletes them and makes exactly those again; everything else is reused (counted).
    /// </summary>
    [Fact]
    public async Task CorruptStoredValuesAreDetectedReportedAndRecomputedAndNothingElseIs()
    {
        using var temp = new TempDirectory();
        // 66 models: the registry's matrix is three tiles (64 models a side), so "the other tiles" are real.
        var ids = TestHub.Write(temp.Sub("hub"), hidden: 32, layers: 1, extra: 60);
        string[] Scan(string output) => ["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub(output), "--samples", "32", "--json"];
        var first = ReefProcess.Run(Scan("out1"), TimeSpan.FromMinutes(5));
        Assert.True(first.ExitCode == 0, first.ToString());
        var store = new FolderBlobStore(temp.Sub("state/store"));
        var tiles = Directory.GetFiles(temp.Sub("state/store/tiles"));
        var fingerprints = Directory.GetFiles(temp.Sub("state/store/fingerprints"));
        Assert.Equal(3, tiles.Length);
        Assert.Equal(ids.Count - 1, fingerprints.Length);

        var evidence = Directory.GetFiles(temp.Sub("state/store/evidence"));
        Assert.Equal(ids.Count - 1, evidence.Length);
        Corrupt(fingerprints[7]);
        Corrupt(tiles[1]);
        Corrupt(evidence[3]);
        var second = Reef(Scan("out2"));
        Assert.True(second.ExitCode == 0, second.ToString());
        var summary = ScanSummary.Parse(second.Out);
        Assert.Equal(ids.Count, summary.Fingerprinted);
        Assert.Equal(1, summary.Extracted);
        Assert.Contains(summary.Repaired!, r => r.Contains(Path.GetFileName(fingerprints[7])) && r.Contains("checksum mismatch"));
        Assert.Contains(summary.Repaired!, r => r.Contains(Path.GetFileName(tiles[1])) && r.Contains("checksum mismatch"));
        // Weight evidence is read again from the checkpoint (no fingerprint extracted for it) and stored whole.
        Assert.Contains(summary.Repaired!, r => r.Contains(Path.GetFileName(evidence[3])) && r.Contains("checksum mismatch"));
        Assert.Null(await store.WeightEvidenceProblemAsync("evidence/" + Path.GetFileName(evidence[3])));

        foreach (var f in fingerprints)
        {
            var extractions = await store.GetCounterAsync(StoreKeys.ExtractionCounter("fingerprints/" + Path.GetFileName(f)));
            Assert.Equal(f == fingerprints[7] ? 2 : 1, extractions);
        }
        var computed = new List<long>();
        foreach (var t in tiles) computed.Add(await store.GetCounterAsync(StoreKeys.TileCounter("tiles/" + Path.GetFileName(t))));
        output.WriteLine($"tile computations over both scans: {string.Join(", ", computed)} (tile {Path.GetFileName(tiles[1])} was corrupted)");
        Assert.Equal([1, 2, 1], computed);
        Assert.Equal(0.0, ScanMatrix.Read(temp.Sub("out1")).MaxDifference(ScanMatrix.Read(temp.Sub("out2"))));
    }

    static void Corrupt(string path)
    {
        var bytes = File.ReadAllBytes(path);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 16; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// A tile that fails (here: two hubs scanned into one registry with different probe sets, whose fingerprints cannot be
    /// compared) leaves its pairs unscored and is listed with why in the summary, matrix.json and `reef status`; the scan
    /// exits 4.
    /// </summary>
    [Fact]
    public void AFailedTileIsListedWithWhyAndTheExitCodeSaysSo()
    {
        using var temp = new TempDirectory();
        Model(temp.Sub("hub-a/a"));
        Model(temp.Sub("hub-b/b"), seed: 2);
        var probes = temp.Sub("probes.txt");
        File.WriteAllLines(probes, Enumerable.Range(0, 32).Select(i => $"Another statement, number {i}."));
        Assert.Equal(0, Reef("scan", temp.Sub("hub-a"), "--state", temp.Sub("state"), "--out", temp.Sub("out-a"), "--samples", "32").ExitCode);
        var scan = Reef("scan", temp.Sub("hub-b"), "--state", temp.Sub("state"), "--out", temp.Sub("out-b"), "--probes", probes, "--json");
        Assert.True(scan.ExitCode == ExitCodes.PartlyFailed, scan.ToString());
        var failure = Assert.Single(ScanSummary.Parse(scan.Out).TileFailures!);
        Assert.Contains("probe sets differ", failure);
        Assert.Equal([failure], OutputFiles.ReadMatrix(temp.Sub("out-b")).TileFailures);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(failure), File.ReadAllText(temp.Sub("out-b/report.html")));
        var status = Reef("status", "--state", temp.Sub("state"), "--json");
        using var json = JsonDocument.Parse(status.Out);
        Assert.Contains(json.RootElement.EnumerateArray(), s => s.GetProperty("tile_failures").EnumerateArray().Any(t => t.GetString() == failure));
    }

    [Fact]
    public async Task SigtermStopsAScanWithinSecondsAndTheSameCommandResumesItComputingNothingTwice()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"), hidden: 128, layers: 4, extra: 12);
        string[] scan = ["scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "128", "--json"];
        using var process = ReefProcess.Start(scan);
        var error = process.StandardError.ReadToEndAsync();
        var counters = temp.Sub("state/store/counters/extractions");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!(Directory.Exists(counters) && Directory.GetFiles(counters).Length >= 2))
        {
            Assert.False(process.HasExited, "the scan ended before it could be stopped: make it longer");
            Assert.True(DateTime.UtcNow < deadline, "no fingerprint was extracted");
            await Task.Delay(50);
        }
        var clock = Stopwatch.StartNew();
        Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)), "SIGTERM did not stop the scan");
        output.WriteLine($"stopped {clock.Elapsed.TotalSeconds:F1} s after SIGTERM; stderr: {await error}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:F1} s to stop");
        Assert.Equal(ExitCodes.Terminated, process.ExitCode);
        Assert.Contains("stopped by SIGTERM", await error);
        var doneBefore = Directory.GetFiles(counters).Length;
        Assert.True(doneBefore < ids.Count - 1, "every fingerprint was done before the stop: make the scan longer");

        var resumed = ReefProcess.Run(scan, TimeSpan.FromMinutes(5));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var summary = ScanSummary.Parse(resumed.Out);
        Assert.Equal(ids.Count, summary.Fingerprinted);
        Assert.All(Directory.GetFiles(counters), c => Assert.Equal("1", File.ReadAllText(c)));
        Assert.Equal(ids.Count - 1, Directory.GetFiles(counters).Length);
        output.WriteLine($"{doneBefore} fingerprints before the stop; the resumed scan extracted {summary.Extracted}");
    }

    /// <summary>
    /// redis-server killed with SIGKILL in the middle of a scan on a 2-silo loopback cluster and started again a few
    /// seconds later with its data, as a Redis pod with a volume comes back: the scan completes, every model
    /// fingerprinted, none failed; the outage is retried, never recorded as a model's failure.
    /// </summary>
    [Fact]
    public async Task ARedisRestartMidScanFailsNoModel()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"), hidden: 128, layers: 4, extra: 8);
        using var cluster = new LoopbackCluster(temp.Sub("logs"));
        cluster.StartSilos(("accel-1", 1), ("cpu-0", 0));
        var client = cluster.StartClient("client", "scan", temp.Sub("hub"), "--cluster", cluster.Redis, "--scan-id", "redis-restart",
            "--out", temp.Sub("out"), "--samples", "96", "--window", "4", "--json");
        var counters = 0L;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(cluster.RedisOptions))
            while ((counters = redis.GetServers()[0].Keys(pattern: "reef:count:extractions/*").Count()) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "no fingerprint was extracted");
                await Task.Delay(100);
            }
        cluster.KillRedis();
        output.WriteLine($"killed redis-server with {counters} fingerprints extracted");
        // Longer than the Redis client's 5 s command timeout: commands it queued during a shorter outage would simply
        // go through when Redis came back, and the test would depend on whether one happened to time out.
        await Task.Delay(TimeSpan.FromSeconds(8));
        cluster.RestartRedis();

        Assert.True(LoggedProcess.WaitForExit(client, TimeSpan.FromMinutes(6)), "scan did not finish");
        Assert.True(client.ExitCode == 0, cluster.Log("client"));
        var summary = ScanSummary.Parse(cluster.Output("client"));
        Assert.Equal(ids.Count, summary.Fingerprinted);
        Assert.Empty(summary.Failures);
        Assert.All(ScanMatrix.Read(temp.Sub("out")).Models, m => Assert.Equal("done", m.Status));
        // The outage did reach the models' work: the silos retried it, and recorded no failure.
        var silos = string.Join("\n", new[] { "accel-1", "cpu-0" }.SelectMany(s => new[] { cluster.Output(s), cluster.Log(s) }));
        var retries = silos.Split('\n').Count(l => l.Contains("retrying in"));
        output.WriteLine($"work retried after the outage: {retries} times");
        Assert.True(retries > 0, "no work met the outage: kill Redis earlier");
    }
}
