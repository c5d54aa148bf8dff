using System.Text.RegularExpressions;
using Reef.Client;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// A real Prometheus scrapes the /metrics of two silo processes while a scan runs on them; the test reads the
/// figures back through Prometheus' HTTP API, as a dashboard would.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class PrometheusScrapeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PrometheusSeesEveryModelFingerprintedEachFailureByKindOrleansMetricsAndNoModelIdInALabel()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"), hidden: 96, layers: 3, extra: 4);
        var broken = TestHub.AddBroken(temp.Sub("hub"));
        using var cluster = new LoopbackCluster(temp.Sub("logs"));
        cluster.StartSilos(("accel-1", 1), ("cpu-0", 0));
        using var prometheus = new PrometheusServer(temp.Sub("prometheus"), [cluster.HttpPort("accel-1"), cluster.HttpPort("cpu-0")]);

        var client = cluster.StartClient("client", "scan", temp.Sub("hub"), "--cluster", cluster.Redis, "--out", temp.Sub("out"),
            "--samples", "64", "--window", "2", "--json");
        Assert.True(LoggedProcess.WaitForExit(client, TimeSpan.FromMinutes(5)), "scan did not finish");
        // Finished with the broken checkpoints listed as failed.
        Assert.True(client.ExitCode == ExitCodes.PartlyFailed, cluster.Log("client"));

        // The scan is over; give Prometheus a few scrapes to catch the last increments (the last tile's among them).
        var distinct = ids.Count - 1; // the Hugging Face-cache twin shares a fingerprint
        var fingerprinted = await prometheus.SettledAsync("sum(reef_models_fingerprinted_total)", v => v >= ids.Count);
        var tilePairs = await prometheus.SettledAsync("sum(reef_comparisons_total{kind=\"tile\"})", v => v >= distinct * (distinct - 1) / 2.0);
        output.WriteLine($"sum(reef_models_fingerprinted_total) = {fingerprinted} for {ids.Count} models");
        Assert.Equal(ids.Count, fingerprinted);

        var up = await prometheus.QueryAsync("up{job=\"reef-silo\"}");
        Assert.Equal(2, up.Count(u => u.Value == 1));

        var orleans = await prometheus.SeriesAsync("orleans_.+");
        var orleansNames = orleans.Select(s => s["__name__"]).Distinct().Order().ToList();
        output.WriteLine($"Orleans metrics in Prometheus: {orleansNames.Count}, e.g. {string.Join(", ", orleansNames.Take(5))}");
        Assert.Contains("orleans_grains", orleansNames);

        var statements = await prometheus.QueryAsync("sum(reef_statements_total)");
        Assert.True(statements.Single().Value >= 64, "statements were counted");
        var forward = await prometheus.QueryAsync("sum by (phase) (reef_fingerprint_duration_seconds_count)");
        Assert.Equal(["forward", "gram", "load"], forward.Select(f => f.Labels["phase"]).Order().ToArray());
        var failed = (await prometheus.QueryAsync("sum by (reason) (reef_models_failed_total)")).ToDictionary(f => f.Labels["reason"], f => f.Value);
        output.WriteLine($"reef_models_failed_total by reason: {string.Join(", ", failed.Select(f => $"{f.Key}={f.Value}"))}");
        Assert.Equal(new Dictionary<string, double>
        {
            ["invalid_config"] = 1, ["invalid_weights"] = 1, ["unsupported_config"] = 1, ["invalid_checkpoint"] = 1,
        }, failed);
        // Every pair of distinct fingerprints is scored in a tile.
        Assert.True(tilePairs >= distinct * (distinct - 1) / 2.0, $"tiles scored {tilePairs} pairs");

        // Every metric the Grafana dashboard (deploy/grafana) plots is there, but for GPU memory, which needs NVML.
        var dashboard = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "grafana", "reefcluster.json"));
        var plotted = Regex.Matches(dashboard, @"\b(?:reef|orleans)_[a-z_]+").Select(m => m.Value).Where(n => !n.StartsWith("reef_accelerator_")).ToHashSet();
        var present = (await prometheus.SeriesAsync("(reef|orleans)_.+")).Select(s => s["__name__"]).ToHashSet();
        Assert.True(plotted.Count >= 8, $"dashboard plots {plotted.Count} metrics");
        Assert.All(plotted, name => Assert.True(present.Contains(name), $"the dashboard plots {name}, which no silo exports"));

        var reef = await prometheus.SeriesAsync("reef_.+");
        var labelValues = reef.SelectMany(s => s.Where(l => l.Key != "__name__").Select(l => l.Value)).ToHashSet();
        output.WriteLine($"ReefCluster series: {reef.Count}; label values: {string.Join(", ", labelValues.Order())}");
        Assert.DoesNotContain(labelValues, v => ids.Concat(broken.Keys).Any(id => v.Contains(id, StringComparison.Ordinal)));
    }
}
