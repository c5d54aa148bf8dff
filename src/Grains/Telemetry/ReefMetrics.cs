using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Reef.Engine.Fingerprints;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Grains.Telemetry;

/// <summary>
/// ReefCluster's own metrics, one set per silo, exported at /metrics beside Orleans' meter. Names follow
/// OpenTelemetry's, which the Prometheus exporter turns into Prometheus' conventions: counters get
/// <c>_total</c>, units <c>_seconds</c> and <c>_bytes</c>. Labels are few-valued (a phase, a reason kind, a
/// state); a model id never is one, since a hub's thousands of ids would be thousands of series.
/// </summary>
public sealed class ReefMetrics
{
    public const string MeterName = "ReefCluster";

    // From a small model's gram step (tens of ms) to a large checkpoint's load (minutes).
    static readonly double[] SecondsBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
    static readonly TimeSpan StoreSizeRefresh = TimeSpan.FromSeconds(10);

    readonly Counter<long> _fingerprinted;
    readonly Counter<long> _failed;
    readonly Counter<long> _statements;
    readonly Counter<long> _comparisons;
    readonly Counter<long> _repairs;
    readonly Histogram<double> _fingerprintSeconds;
    readonly Histogram<double> _tileSeconds;
    readonly ConcurrentDictionary<string, ScanCounts> _scans = new();
    readonly IBlobStore _store;
    double _statementsPerSecond = double.NaN;
    long _storeBytes = -1;
    DateTime _storeBytesAt = DateTime.MinValue;
    int _storeRefreshing;

    sealed record ScanCounts(ScanPhase Phase, IReadOnlyDictionary<FingerprintStatus, int> Models);

    public ReefMetrics(IMeterFactory meters, IBlobStore store, SiloCapacity capacity)
    {
        _store = store;
        var meter = meters.Create(MeterName);
        _fingerprinted = meter.CreateCounter<long>("reef.models.fingerprinted", "{model}",
            "Models whose fingerprint is done; reused=true when it was already in the store.");
        _failed = meter.CreateCounter<long>("reef.models.failed", "{model}", "Models that failed, by kind of failure.");
        _statements = meter.CreateCounter<long>("reef.statements", "{statement}", "Probe statements run through a model.");
        _comparisons = meter.CreateCounter<long>("reef.comparisons", "{pair}",
            "Model pairs scored: kind=tile for registry tiles, kind=pair for full layer-by-layer comparisons.");
        _repairs = meter.CreateCounter<long>("reef.store.repairs", "{value}",
            "Stored values (fingerprints, weight signatures, tiles) found corrupt or unusable where they were read, deleted and made again.");
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _fingerprintSeconds = meter.CreateHistogram("reef.fingerprint.duration", "s",
            "Time to fingerprint one checkpoint, by phase: load (read weights), forward (run the probes), gram (build the Grams).", advice: seconds);
        _tileSeconds = meter.CreateHistogram("reef.tile.duration", "s", "Time to score one tile of the registry matrix.", advice: seconds);
        meter.CreateObservableGauge("reef.extraction.statements_per_second", () => double.IsNaN(_statementsPerSecond)
                ? [] : new[] { new Measurement<double>(_statementsPerSecond) },
            description: "Probe statements per second of the forward pass of this silo's latest extraction.");
        meter.CreateObservableGauge("reef.scan.models", ObserveScanModels, "{model}",
            "Models of the scans driven from this silo, by fingerprint state.");
        meter.CreateObservableGauge("reef.scans", ObserveScans, "{scan}", "Scans driven from this silo, by phase.");
        meter.CreateObservableGauge("reef.store", ObserveStoreBytes, "By", "Bytes held in the fingerprint store (fingerprints, probe sets, tiles).");
        if (capacity.HasAccelerator)
        {
            meter.CreateObservableGauge("reef.accelerator.memory.used", () => AcceleratorMemory.Read()
                .Select(d => new Measurement<long>(d.Used, new KeyValuePair<string, object?>("device", d.Device.ToString()))), "By",
                "GPU memory in use, per device, where NVML can tell.");
            meter.CreateObservableGauge("reef.accelerator.memory.total", () => AcceleratorMemory.Read()
                .Select(d => new Measurement<long>(d.Total, new KeyValuePair<string, object?>("device", d.Device.ToString()))), "By",
                "GPU memory, per device, where NVML can tell.");
        }
    }

    public void ModelFingerprinted(bool reused) => _fingerprinted.Add(1, new KeyValuePair<string, object?>("reused", reused ? "true" : "false"));

    public void ModelFailed(string kind) => _failed.Add(1, new KeyValuePair<string, object?>("reason", kind));

    public void FingerprintBuilt(BuiltFingerprint built, int statements)
    {
        _fingerprintSeconds.Record(built.LoadTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "load"));
        _fingerprintSeconds.Record(built.ForwardTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "forward"));
        _fingerprintSeconds.Record(built.GramTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "gram"));
        _statements.Add(statements);
        if (built.ForwardTime > TimeSpan.Zero) _statementsPerSecond = statements / built.ForwardTime.TotalSeconds;
    }

    public void TileScored(long pairs, TimeSpan took)
    {
        _comparisons.Add(pairs, new KeyValuePair<string, object?>("kind", "tile"));
        _tileSeconds.Record(took.TotalSeconds);
    }

    public void StoredValueRepaired() => _repairs.Add(1);

    public void PairCompared() => _comparisons.Add(1, new KeyValuePair<string, object?>("kind", "pair"));

    /// <summary>What a scan grain on this silo has now; replaces what it said before.</summary>
    public void ScanProgressed(string scanId, ScanPhase phase, IEnumerable<ScanModelStatus> models) =>
        _scans[scanId] = new ScanCounts(phase, models.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count()));

    /// <summary>The scan grain left this silo (deactivated, or the silo is shutting down).</summary>
    public void ScanLeft(string scanId) => _scans.TryRemove(scanId, out _);

    IEnumerable<Measurement<long>> ObserveScanModels()
    {
        var scans = _scans.Values.ToList();
        if (scans.Count == 0) return [];
        return Enum.GetValues<FingerprintStatus>().Select(status => new Measurement<long>(
            scans.Sum(s => s.Models.GetValueOrDefault(status)),
            new KeyValuePair<string, object?>("state", status.ToString().ToLowerInvariant())));
    }

    IEnumerable<Measurement<long>> ObserveScans()
    {
        var scans = _scans.Values.ToList();
        return Enum.GetValues<ScanPhase>().Select(phase => new Measurement<long>(scans.Count(s => s.Phase == phase),
            new KeyValuePair<string, object?>("phase", phase.ToString().ToLowerInvariant())));
    }

    /// <summary>
    /// The store's size as last read: a scrape never waits on the store (a folder walk, a Redis round trip);
    /// it starts a refresh in the background when the value is older than ten seconds.
    /// </summary>
    IEnumerable<Measurement<long>> ObserveStoreBytes()
    {
        if (DateTime.UtcNow - _storeBytesAt > StoreSizeRefresh && Interlocked.Exchange(ref _storeRefreshing, 1) == 0)
            _ = Task.Run(async () =>
            {
                try
                {
                    _storeBytes = await _store.GetStoredBytesAsync();
                    _storeBytesAt = DateTime.UtcNow;
                }
                catch (Exception) { /* the store is unreachable for now: keep the last value, try at the next scrape */ }
                finally { Interlocked.Exchange(ref _storeRefreshing, 0); }
            });
        return _storeBytes < 0 ? [] : [new Measurement<long>(_storeBytes)];
    }
}
