using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Reef.Client.Scanning;

namespace Reef.TestSupport;

/// <summary>
/// A real Prometheus (Debian's package, installed by scripts/services.sh) on a loopback port, scraping the given
/// targets every second, with its own storage under the test's folder; queried through its HTTP API.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    readonly Process _process;
    readonly string _logs;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public PrometheusServer(string folder, IEnumerable<int> targetPorts)
    {
        Directory.CreateDirectory(folder);
        _logs = folder;
        Port = ReefConnection.FreePort();
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: reef-silo
                static_configs:
                  - targets: [{string.Join(", ", targetPorts.Select(p => $"'127.0.0.1:{p}'"))}]
            """);
        _process = LoggedProcess.Start("prometheus", ["--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(folder, "data"),
            $"--web.listen-address=127.0.0.1:{Port}", "--log.level=warn"], folder, "prometheus");
        LoopbackCluster.WaitUntil(() =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}: {Log}");
            try { return _http.GetAsync($"http://127.0.0.1:{Port}/-/ready").Result.IsSuccessStatusCode; }
            catch (AggregateException) { return false; }
        }, TimeSpan.FromSeconds(60), "prometheus did not become ready (is it installed? scripts/services.sh installs it)");
    }

    public int Port { get; }

    public string Log => LoggedProcess.Log(_logs, "prometheus");

    /// <summary>An instant query's result vector as (labels, value) pairs.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var body = await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("status").GetString() != "success") throw new InvalidOperationException($"query {promql}: {body}");
        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>
    /// A single-value query's value once it satisfies <paramref name="done"/>, or its last value after 30 s: what a
    /// silo counted last reaches Prometheus only at the next scrape.
    /// </summary>
    public async Task<double> SettledAsync(string promql, Func<double, bool> done)
    {
        var value = 0.0;
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            var result = await QueryAsync(promql);
            value = result.Count == 1 ? result[0].Value : 0;
            if (done(value)) break;
        }
        return value;
    }

    /// <summary>Every label set of the series whose names match <paramref name="nameRegex"/>, over the last hour.</summary>
    public async Task<IReadOnlyList<Dictionary<string, string>>> SeriesAsync(string nameRegex)
    {
        var match = Uri.EscapeDataString($"{{__name__=~\"{nameRegex}\"}}");
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var body = await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/series?match[]={match}&start={start}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").EnumerateArray()
            .Select(s => s.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)).ToList();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _http.Dispose();
    }
}
