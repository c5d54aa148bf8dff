using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Candidates;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using Reef.Grains.Placement;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// Extracts one fingerprint on an accelerator silo and puts it in the store. Keyed by the fingerprint's store
/// key, so two ids with the same content wait on one extraction, and a finished one is never run again.
/// </summary>
[AcceleratorSilo]
public sealed class FingerprintGrain(IBlobStore store, SiloCapacity capacity, ReefMetrics metrics, ILocalSiloDetails silo, ILogger<FingerprintGrain> log)
    : Grain, IFingerprintGrain
{
    StoredJob? _extraction;

    async Task<JobStatus> IFingerprintGrain.EnsureAsync(string checkpointPath, string contentHash, ExtractionSettings settings)
    {
        if (!capacity.HasAccelerator)
            throw new InvalidOperationException($"fingerprint extraction was placed on {silo.Name}, which declares no accelerator");
        var key = this.GetPrimaryKeyString();
        _extraction ??= new StoredJob(store, key, silo.Name);
        return AfterFailureDeactivate(await _extraction.EnsureAsync(() => Extract(key, checkpointPath, contentHash, settings)));
    }

    /// <summary>A failed extraction is reported once, then this activation goes, so that the next ask starts a fresh one.</summary>
    JobStatus AfterFailureDeactivate(JobStatus status)
    {
        if (status.State == JobState.Failed) DeactivateOnIdle();
        return status;
    }

    async Task Extract(string key, string checkpointPath, string contentHash, ExtractionSettings settings)
    {
        await capacity.Extractions.WaitAsync();
        try
        {
            var probes = await store.GetProbesAsync(settings.ProbeHash);
            log.LogInformation("extracting {Path} on {Silo}", checkpointPath, silo.Name);
            var built = FingerprintBuilder.BuildTimed(checkpointPath, probes, ComputeOptions.Parse("auto", settings.Dtype) with { MaxMemoryBytes = capacity.MaxMemoryBytes }, settings.BatchSize,
                contentHash: contentHash, limits: settings.Limits());
            metrics.FingerprintBuilt(built, probes.Count);
            var stored = await store.PutFingerprintAsync(key, built.Fingerprint);
            // Counted as soon as it is stored: a silo killed between the two leaves a stored fingerprint uncounted, so
            // nothing else comes between them (decoding the stored form and making the sketch did, and the kill -9 resume
            // test met that window in two runs of two).
            await store.IncrementAsync(StoreKeys.ExtractionCounter(key));
            // Made where the fingerprint is, while it is in memory: the candidate stage reads sketches, never fingerprints.
            // From the fingerprint as stored, so a sketch made again later from the store is the same one (one lost is
            // made again from the store).
            await store.PutSketchAsync(StoreKeys.ReefSketch(key), SketchKind.Reef, ReefSketch.Of(stored));
        }
        finally { capacity.Extractions.Release(); }
    }
}
