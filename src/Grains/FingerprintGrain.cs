using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using Reef.Grains.Placement;

namespace Reef.Grains;

/// <summary>
/// Extracts one fingerprint on an accelerator silo and puts it in the store. Keyed by the fingerprint's store
/// key, so two ids with the same content wait on one extraction, and a finished one is never run again.
/// </summary>
[AcceleratorSilo]
public sealed class FingerprintGrain(IBlobStore store, SiloCapacity capacity, ILocalSiloDetails silo, ILogger<FingerprintGrain> log)
    : Grain, IFingerprintGrain
{
    BackgroundJob<bool>? _extraction;

    async Task<ExtractionStatus> IFingerprintGrain.EnsureAsync(string checkpointPath, string contentHash, ExtractionSettings settings)
    {
        if (!capacity.HasAccelerator)
            throw new InvalidOperationException($"fingerprint extraction was placed on {silo.Name}, which declares no accelerator");
        var key = this.GetPrimaryKeyString();
        if (_extraction == null)
        {
            if (await store.ContainsAsync(key)) return new ExtractionStatus(JobState.Done, silo.Name, null);
            _extraction = BackgroundJob<bool>.Run(() => Extract(key, checkpointPath, contentHash, settings));
        }
        return new ExtractionStatus(_extraction.State, silo.Name, _extraction.Error);
    }

    async Task<bool> Extract(string key, string checkpointPath, string contentHash, ExtractionSettings settings)
    {
        await capacity.Extractions.WaitAsync();
        try
        {
            var probes = await store.GetProbesAsync(settings.ProbeHash);
            log.LogInformation("extracting {Path} on {Silo}", checkpointPath, silo.Name);
            var fingerprint = FingerprintBuilder.Build(checkpointPath, probes, ComputeOptions.Parse("auto", settings.Dtype), settings.BatchSize,
                contentHash: contentHash);
            await store.PutFingerprintAsync(key, fingerprint);
            await store.IncrementAsync(StoreKeys.ExtractionCounter(key));
            return true;
        }
        finally { capacity.Extractions.Release(); }
    }
}
