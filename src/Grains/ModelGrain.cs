using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine;
using Reef.Engine.Inspection;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// A model of the hub: where its checkpoint is, its content hash and facts, and its fingerprint's status. Each call
/// moves the model one step (read the checkpoint: validate, hash, facts and weight signature → look the fingerprint
/// up → have it extracted) without waiting on the work; the scan calls again until it is done or failed.
/// </summary>
public sealed class ModelGrain(
    [PersistentState("model", "reef")] IPersistentState<ModelState?> state,
    IBlobStore store,
    ReefMetrics metrics,
    ILogger<ModelGrain> log) : Grain, IModelGrain
{
    BackgroundJob<(string Hash, ModelFacts Facts)>? _inspection;
    string? _inspectionSignature;

    async Task<ModelState> IModelGrain.FingerprintAsync(ModelJob job)
    {
        // Orleans fills State with an uninitialized record before anything is stored; only RecordExists tells.
        var current = state.RecordExists ? state.State : null;
        var sameCheckpoint = current != null && current.Path == job.Path && current.Signature == job.Signature && current.Facts != null;
        if (!sameCheckpoint || current!.ProbeHash != job.Probes.ProbeHash)
        {
            // A new probe set keeps what was read of the checkpoint; a new path or signature may be new content, and a
            // state stored before facts were kept reads the checkpoint again for them.
            current = await Save(new ModelState
            {
                Path = job.Path, Signature = job.Signature, ProbeHash = job.Probes.ProbeHash,
                Status = sameCheckpoint ? FingerprintStatus.Extracting : FingerprintStatus.Hashing,
                ContentHash = sameCheckpoint ? current!.ContentHash : null, Facts = sameCheckpoint ? current!.Facts : null,
            });
        }
        if (current.Finished) return current;

        if (current.ContentHash == null || current.Facts == null)
        {
            if (_inspection == null || _inspectionSignature != job.Signature)
            {
                _inspection = BackgroundJob<(string, ModelFacts)>.Run(() => Inspect(job.Path, job.Probes.Limits()));
                _inspectionSignature = job.Signature;
            }
            switch (_inspection.State)
            {
                case JobState.Running: return current;
                case JobState.Failed:
                    return await Save(current with { Status = FingerprintStatus.Failed, FailureReason = _inspection.Error }, _inspection.ErrorKind);
                default:
                    var (hash, facts) = _inspection.Result;
                    current = await Save(current with { ContentHash = hash, Facts = facts, Status = FingerprintStatus.Extracting });
                    break;
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

    /// <summary>
    /// Reads the checkpoint once for its hash and facts, and stores its weight signature by content (once for all ids
    /// with that content), so analysis takes them from the store and never opens the checkpoint again.
    /// </summary>
    async Task<(string, ModelFacts)> Inspect(string path, InputLimits limits)
    {
        var facts = CheckpointInspection.Inspect(path, limits);
        string? signatureKey = null;
        if (facts.WeightSignature is { } signature)
        {
            signatureKey = StoreKeys.WeightSignature(facts.ContentHash);
            if (!await store.ContainsAsync(signatureKey)) await store.PutWeightSignatureAsync(signatureKey, signature);
        }
        return (facts.ContentHash, new ModelFacts
        {
            Architecture = facts.Architecture, Layers = facts.Layers, HiddenSize = facts.HiddenSize, Parameters = facts.Parameters,
            ParentHints = facts.ParentHints.Select(h => h.Name).ToList(), WeightSignatureKey = signatureKey, NoWeightSignature = facts.NoWeightSignature,
        });
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
