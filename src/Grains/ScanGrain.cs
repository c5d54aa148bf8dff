using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// One scan: drives every model of the hub to a fingerprint (a window of models in flight, so extractions
/// spread over the accelerator silos as they free up), then has the registry score the new pairs. It runs
/// from a timer, never inside a caller's turn; its state is saved as it goes, so a scan whose silo died
/// continues from there when its client next polls (ContinueAsync); merely looking (reef status) moves nothing.
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

    async Task<ScanProgress> IScanGrain.StartAsync(ScanRequest request)
    {
        var s = state.State;
        var sameModels = s.Request != null && s.Request.Models.SequenceEqual(request.Models) && s.Request.Settings == request.Settings &&
                         s.Request.Registry == request.Registry;
        if (!sameModels || s.Phase == ScanPhase.Done)
        {
            // A new scan, or a rescan of a finished one: start over. Model grains and the store remember every
            // finished fingerprint, so only new or changed models do real work.
            state.State = new ScanState
            {
                Request = request, Phase = ScanPhase.Fingerprinting, Started = DateTimeOffset.UtcNow,
                Models = request.Models.ToDictionary(m => m.Id, m => new ScanModelStatus(m.Id, FingerprintStatus.Pending, null, false, null, null)),
            };
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        metrics.ScanLeft(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    /// <summary>Moves the first <c>Window</c> unfinished models on, refilling the window while models finish at once (fingerprints already stored).</summary>
    async Task Fingerprint(ScanRequest request)
    {
        var s = state.State;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            var window = request.Models.Where(m => s.Models[m.Id].Status is not (FingerprintStatus.Done or FingerprintStatus.Failed))
                .Take(Math.Max(1, request.Window)).ToList();
            if (window.Count == 0)
            {
                s.Phase = ScanPhase.Comparing;
                var done = request.Models.Select(m => s.Models[m.Id]).Where(m => m.Status == FingerprintStatus.Done)
                    .Select(m => new RegistryEntry(m.Id, m.FingerprintKey!)).ToList();
                await GrainFactory.GetGrain<IRegistryGrain>(request.Registry).UpdateAsync(done);
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
                // Done at the first ask of this run: nothing was extracted for it now (an earlier scan or an interrupted run did it).
                var reused = r.Reused || (s.Models[window[i].Id].Status == FingerprintStatus.Pending && r.Status == FingerprintStatus.Done);
                s.Models[window[i].Id] = new ScanModelStatus(window[i].Id, r.Status, r.FingerprintKey, reused, r.Silo, r.FailureReason);
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
        var models = s.Request!.Models.Select(m => s.Models[m.Id]).ToList();
        var done = models.Where(m => m.Status == FingerprintStatus.Done).ToList();
        // Identical checkpoints share one extraction: count fingerprints extracted, and every other done model as reused.
        var extracted = done.Where(m => !m.Reused).Select(m => m.FingerprintKey).ToHashSet();
        return new ScanProgress(this.GetPrimaryKeyString(), s.Request.Hub, s.Request.Registry, s.Phase, models.Count,
            done.Count, models.Count(m => m.Status == FingerprintStatus.Failed), extracted.Count, done.Count - extracted.Count,
            s.TilesDone, s.TilesTotal, models, s.Started, s.Finished, s.Error);
    }
}
