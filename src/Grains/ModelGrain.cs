using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// A model of the hub: where its checkpoint is, its content hash, and its fingerprint's status. Each call moves
/// the model one step (validate and hash → look the fingerprint up → have it extracted) without waiting on
/// the work; the scan calls again until it is done or failed.
/// </summary>
public sealed class ModelGrain(
    [PersistentState("model", "reef")] IPersistentState<ModelState?> state,
    IBlobStore store,
    ReefMetrics metrics,
    ILogger<ModelGrain> log) : Grain, IModelGrain
{
    BackgroundJob<string>? _hashing;
    string? _hashingSignature;

    async Task<ModelState> IModelGrain.FingerprintAsync(ModelJob job)
    {
        // Orleans fills State with an uninitialized record before anything is stored; only RecordExists tells.
        var current = state.RecordExists ? state.State : null;
        if (current == null || current.Path != job.Path || current.Signature != job.Signature || current.ProbeHash != job.Probes.ProbeHash)
        {
            // A new probe set keeps the content hash; a new path or signature may be new content.
            var keepHash = current != null && current.Path == job.Path && current.Signature == job.Signature ? current.ContentHash : null;
            current = await Save(new ModelState(job.Path, job.Signature, job.Probes.ProbeHash,
                keepHash == null ? FingerprintStatus.Hashing : FingerprintStatus.Extracting, keepHash, null, false, null, null));
        }
        if (current.Finished) return current;

        if (current.ContentHash == null)
        {
            if (_hashing == null || _hashingSignature != job.Signature)
            {
                _hashing = BackgroundJob<string>.Run(() => Task.FromResult(ValidateAndHash(job.Path)));
                _hashingSignature = job.Signature;
            }
            switch (_hashing.State)
            {
                case JobState.Running: return current;
                case JobState.Failed:
                    return await Save(current with { Status = FingerprintStatus.Failed, FailureReason = _hashing.Error }, _hashing.ErrorKind);
                default: current = await Save(current with { ContentHash = _hashing.Result, Status = FingerprintStatus.Extracting }); break;
            }
        }

        var key = StoreKeys.Fingerprint(current.ContentHash!, job.Probes.ProbeHash);
        if (current.Silo == null && await store.ContainsAsync(key))
            return await Save(current with { Status = FingerprintStatus.Done, FingerprintKey = key, Reused = true });
        try
        {
            var extraction = await GrainFactory.GetGrain<IFingerprintGrain>(key).EnsureAsync(job.Path, current.ContentHash!, job.Probes);
            return extraction.State switch
            {
                JobState.Done => await Save(current with { Status = FingerprintStatus.Done, FingerprintKey = key, Silo = extraction.Silo }),
                JobState.Failed => await Save(current with { Status = FingerprintStatus.Failed, FailureReason = extraction.Error, Silo = extraction.Silo },
                    extraction.ErrorKind),
                _ => current.Silo == extraction.Silo ? current : await Save(current with { Silo = extraction.Silo }),
            };
        }
        catch (Exception e)
        {
            // No accelerator silo right now, or the one running the extraction just died: ask again next time.
            log.LogWarning("{Model}: extraction not reachable yet ({Error}); will retry", this.GetPrimaryKeyString(), e.Message);
            return current;
        }
    }

    Task<ModelState?> IModelGrain.GetStateAsync() => Task.FromResult(state.RecordExists ? state.State : null);

    /// <summary>Opens the checkpoint, checks every tensor against its config, and hashes config and weights.</summary>
    static string ValidateAndHash(string path)
    {
        var checkpoint = Checkpoint.Open(path);
        DecoderWeights.Validate(checkpoint);
        return checkpoint.ComputeContentHash();
    }

    /// <summary>Persists the new state; a model that has just finished is counted once, when it finishes.</summary>
    async Task<ModelState> Save(ModelState value, string? failureKind = null)
    {
        if (value.Finished && !(state.RecordExists && state.State is { Finished: true }))
        {
            if (value.Status == FingerprintStatus.Done) metrics.ModelFingerprinted(value.Reused);
            else metrics.ModelFailed(failureKind ?? Engine.FailureKind.Internal);
        }
        state.State = value;
        await state.WriteStateAsync();
        return value;
    }
}
