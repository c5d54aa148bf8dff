using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine;
using Reef.Engine.Hubs;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// One scan: lists the hub's checkpoints (here, on a silo: the client needs no access to the hub), drives every model
/// to a fingerprint (a window of models in flight, so extractions spread over the accelerator silos as they free up),
/// then has the registry score the new pairs. It runs from a timer, never inside a caller's turn; its state is saved
/// as it goes, so a scan whose silo died continues from there when its client next polls (ContinueAsync); merely
/// looking (reef status) moves nothing.
/// </summary>
public sealed class ScanGrain(
    [PersistentState("scan", "reef")] IPersistentState<ScanState> state,
    ReefMetrics metrics,
    ILogger<ScanGrain> log) : Grain, IScanGrain
{
    static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(2);

    IGrainTimer? _timer;
    DateTime _lastSave = DateTime.MinValue;
    BackgroundJob<(HubListing, List<ScanModel>)>? _discovery;

    async Task<ScanProgress> IScanGrain.StartAsync(ScanRequest request)
    {
        var s = state.State;
        if (s.Request != request || s.Phase == ScanPhase.Done)
        {
            // A new scan, or a rescan of a finished one: start over from listing the hub. Model grains and the store
            // remember every finished fingerprint, so only new or changed models do real work.
            state.State = new ScanState { Request = request, Phase = ScanPhase.Discovering, Started = DateTimeOffset.UtcNow };
            await state.WriteStateAsync();
            _lastSave = DateTime.UtcNow;
        }
        await GrainFactory.GetGrain<IRegistryGrain>(request.Registry).RecordScanAsync(this.GetPrimaryKeyString());
        StartTimer();
        return Progress();
    }

    Task<ScanProgress?> IScanGrain.ContinueAsync()
    {
        if (state.State.Request == null) return Task.FromResult<ScanProgress?>(null);
        if (state.State.Phase != ScanPhase.Done) StartTimer();
        return Task.FromResult<ScanProgress?>(Progress());
    }

    Task<ScanProgress?> IScanGrain.GetProgressAsync() => Task.FromResult(state.State.Request == null ? null : Progress());

    void StartTimer() => _timer ??= this.RegisterGrainTimer(Advance, new GrainTimerCreationOptions(TimeSpan.Zero, Period));

    async Task Advance(CancellationToken cancellation)
    {
        var s = state.State;
        var request = s.Request!;
        // A scan stored unfinished by an older version kept no list of checkpoints: list the hub again.
        if (s.Phase == ScanPhase.Fingerprinting && s.Checkpoints.Count == 0) s.Phase = ScanPhase.Discovering;
        if (s.Phase == ScanPhase.Discovering) await Discover(request);
        if (s.Phase == ScanPhase.Fingerprinting) await Fingerprint(request);
        if (s.Phase == ScanPhase.Comparing) await Compare(request);
        if (s.Phase == ScanPhase.Done)
        {
            _timer?.Dispose();
            _timer = null;
        }
        metrics.ScanProgressed(this.GetPrimaryKeyString(), s.Phase, s.Models.Values);
        if (s.Phase == ScanPhase.Done || DateTime.UtcNow - _lastSave > SaveEvery)
        {
            await state.WriteStateAsync();
            _lastSave = DateTime.UtcNow;
        }
    }

    /// <summary>The silo is stopping (SIGTERM, an embedded client that was stopped) or the scan idles: what it has done is saved.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        metrics.ScanLeft(this.GetPrimaryKeyString());
        _timer?.Dispose();
        if (state.State.Request != null) await state.WriteStateAsync(cancellation);
    }

    /// <summary>Lists the hub's checkpoints with their folder signatures, in the background; a hub that cannot be listed ends the scan.</summary>
    async Task Discover(ScanRequest request)
    {
        _discovery ??= BackgroundJob<(HubListing, List<ScanModel>)>.Run(() => Task.FromResult(List(request.Hub)));
        if (_discovery.State == JobState.Running) return;
        var s = state.State;
        if (_discovery.State == JobState.Failed || _discovery.Result.Item1.Models.Count == 0)
        {
            s.Error = _discovery.Error ?? $"{request.Hub}: no checkpoints found (folders with a config.json, GGUF files, or models--org--name/snapshots/REV)";
            // Bad input (a hub that does not exist, no checkpoints) names the hub; anything else is the scan's own failure.
            s.ErrorFile = _discovery.State == JobState.Failed && _discovery.ErrorKind == FailureKind.Internal ? null : request.Hub;
            s.Phase = ScanPhase.Done;
            s.Finished = DateTimeOffset.UtcNow;
            _discovery = null;
            return;
        }
        var (listing, checkpoints) = _discovery.Result;
        s.Checkpoints = checkpoints;
        s.Models = s.Checkpoints.ToDictionary(m => m.Id, m => new ScanModelStatus { Id = m.Id, Status = FingerprintStatus.Pending });
        // A checkpoint the hub must not have us read (a file linking out of the hub) fails at once, with the reason.
        foreach (var m in listing.Models.Where(m => m.Problem != null))
            s.Models[m.Id] = new ScanModelStatus { Id = m.Id, Status = FingerprintStatus.Failed, FailureReason = m.Problem };
        s.Skipped = listing.Skipped.Select(k => $"{k.Path}: {k.Reason}").ToList();
        foreach (var skip in s.Skipped) log.LogWarning("scan {Scan}: skipped {Skip}", this.GetPrimaryKeyString(), skip);
        s.Phase = ScanPhase.Fingerprinting;
        _discovery = null;
        await state.WriteStateAsync();
        _lastSave = DateTime.UtcNow;
    }

    /// <summary>The hub's listing, and the checkpoints to scan with their folder signatures (names, sizes, times).</summary>
    static (HubListing, List<ScanModel>) List(string hub)
    {
        var listing = HubDiscovery.Find(hub);
        return (listing, listing.Models.Where(m => m.Problem == null)
            .Select(m => new ScanModel { Id = m.Id, Path = m.Path, Signature = FolderSignature.Of(m.Path) }).ToList());
    }

    /// <summary>Moves the first <c>Window</c> unfinished models on, refilling the window while models finish at once (fingerprints already stored).</summary>
    async Task Fingerprint(ScanRequest request)
    {
        var s = state.State;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            var window = s.Checkpoints.Where(m => !s.Models[m.Id].Finished).Take(Math.Max(1, request.Window)).ToList();
            if (window.Count == 0)
            {
                s.Phase = ScanPhase.Comparing;
                var done = s.Checkpoints.Select(m => s.Models[m.Id]).Where(m => m.Status == FingerprintStatus.Done)
                    .Select(m => new RegistryEntry(m.Id, m.FingerprintKey!, s.Facts[m.Id])).ToList();
                await GrainFactory.GetGrain<IRegistryGrain>(request.Registry).UpdateAsync(done, new RegistrySettings(request.Kernel, request.Settings.Statements, request.Pairs ?? PairModes.All));
                return;
            }
            var results = await Task.WhenAll(window.Select(async m =>
            {
                try { return await GrainFactory.GetGrain<IModelGrain>(m.Id).FingerprintAsync(new ModelJob(m.Path, m.Signature, request.Settings)); }
                catch (Exception e)
                {
                    log.LogWarning("scan {Scan}: model {Model} not reachable ({Error}); will retry", this.GetPrimaryKeyString(), m.Id, e.Message);
                    return null;
                }
            }));
            var finishedNow = 0;
            for (var i = 0; i < window.Count; i++)
            {
                if (results[i] is not { } r) continue;
                var id = window[i].Id;
                // Done at the first ask of this run: nothing was extracted for it now (an earlier scan or an interrupted run did it).
                var reused = r.Reused || (s.Models[id].Status == FingerprintStatus.Pending && r.Status == FingerprintStatus.Done);
                s.Models[id] = new ScanModelStatus
                {
                    Id = id, Status = r.Status, FingerprintKey = r.FingerprintKey, Reused = reused, Silo = r.Silo, FailureReason = r.FailureReason,
                    FailureKind = r.FailureKind, Repaired = r.Repaired ?? s.Models[id].Repaired,
                };
                if (r.Facts != null) s.Facts[id] = r.Facts;
                if (r.Finished) finishedNow++;
            }
            if (finishedNow == 0) return;
        }
    }

    async Task Compare(ScanRequest request)
    {
        var s = state.State;
        try
        {
            var registry = await GrainFactory.GetGrain<IRegistryGrain>(request.Registry).ContinueAsync();
            s.TilesDone = registry.TilesDone;
            s.TilesTotal = registry.TilesTotal;
            s.TileFailures = registry.TileFailures?.ToList() ?? [];
            s.RepairedTiles = registry.Repaired?.ToList() ?? [];
            if (registry.Error != null) s.Error = registry.Error;
            if (!registry.Ready && registry.Error == null) return;
            s.Phase = ScanPhase.Done;
            s.Finished = DateTimeOffset.UtcNow;
        }
        catch (Exception e)
        {
            log.LogWarning("scan {Scan}: registry not reachable ({Error}); will retry", this.GetPrimaryKeyString(), e.Message);
        }
    }

    ScanProgress Progress()
    {
        var s = state.State;
        // In id order, as discovery lists them (a scan stored by an older version has no checkpoint list).
        var models = s.Models.Values.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        var done = models.Where(m => m.Status == FingerprintStatus.Done).ToList();
        // Identical checkpoints share one extraction: count fingerprints extracted, and every other done model as reused.
        var extracted = done.Where(m => !m.Reused).Select(m => m.FingerprintKey).ToHashSet();
        return new ScanProgress(this.GetPrimaryKeyString(), s.Request!.Hub, s.Request.Registry, s.Phase, models.Count,
            done.Count, models.Count(m => m.Status == FingerprintStatus.Failed), extracted.Count, done.Count - extracted.Count,
            s.TilesDone, s.TilesTotal, models, s.Started, s.Finished, s.Error, s.ErrorFile, s.Skipped, s.TileFailures,
            models.Where(m => m.Repaired != null).Select(m => $"{m.Id}: {m.Repaired}").Concat(s.RepairedTiles).ToList());
    }
}
