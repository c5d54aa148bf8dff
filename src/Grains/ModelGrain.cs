using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine;
using Reef.Engine.Inspection;
using Reef.Engine.Candidates;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// A model of the hub: where its checkpoint is, its content hash and facts, and its fingerprint's status. Each call
/// moves the model one step (read the checkpoint: validate, hash, facts and weight signature → look the fingerprint
/// up → have it extracted) without waiting on the work; the scan calls again until it is done or failed.
/// Stored results are verified before they are reused, and a failure that is not the model's own (the store was
/// unreachable, a call timed out) is retried with backoff instead of being recorded against the model.
/// </summary>
public sealed class ModelGrain(
    [PersistentState("model", "reef")] IPersistentState<ModelState?> state,
    IBlobStore store,
    ReefMetrics metrics,
    ILogger<ModelGrain> log) : Grain, IModelGrain
{
    BackgroundJob<(string Hash, string? EarlierHash, ModelFacts Facts)>? _inspection;
    string? _inspectionSignature;
    readonly Backoff _backoff = new();

    async Task<ModelState> IModelGrain.FingerprintAsync(ModelJob job)
    {
        // Orleans fills State with an uninitialized record before anything is stored; only RecordExists tells.
        var current = state.RecordExists ? state.State : null;
        var sameCheckpoint = current != null && current.Path == job.Path && current.Signature == job.Signature && current.Facts is { MayGainWeightData: false };
        // A rescan retries what failed for reasons other than the model's own.
        var retry = current is { Status: FingerprintStatus.Failed } && !FailureKind.IsModelFault(current.FailureKind ?? FailureKind.Internal);
        if (!sameCheckpoint || current!.ProbeHash != job.Probes.ProbeHash || retry)
        {
            // A new probe set keeps what was read of the checkpoint; a new path or signature may be new content, and a
            // state stored before facts were kept reads the checkpoint again for them, as does one whose facts an earlier
            // version wrote without weight data this version can give (ModelFacts.MayGainWeightData).
            current = await Save(new ModelState
            {
                Path = job.Path, Signature = job.Signature, ProbeHash = job.Probes.ProbeHash,
                Status = sameCheckpoint ? FingerprintStatus.Extracting : FingerprintStatus.Hashing,
                ContentHash = sameCheckpoint ? current!.ContentHash : null, Facts = sameCheckpoint ? current!.Facts : null,
                EarlierContentHash = current?.EarlierContentHash, HashVersion = current?.HashVersion ?? ModelState.CurrentHashVersion,
            });
        }
        if (current.Status == FingerprintStatus.Done) return await Verified(current, job);
        if (current.Finished) return current;
        if (!_backoff.Due) return current;

        if (current.ContentHash == null || current.Facts == null)
        {
            if (_inspection == null || _inspectionSignature != job.Signature)
            {
                var earlierHash = current.HashVersion < ModelState.CurrentHashVersion;
                _inspection = BackgroundJob<(string, string?, ModelFacts)>.Run(() => Inspect(job.Path, job.Probes.Limits(), earlierHash));
                _inspectionSignature = job.Signature;
            }
            switch (_inspection.State)
            {
                case JobState.Running: return current;
                case JobState.Failed:
                    var (error, kind) = (_inspection.Error, _inspection.ErrorKind!);
                    _inspection = null;
                    return await Failed(current, error, kind);
                default:
                    var (hash, earlier, facts) = _inspection.Result;
                    _backoff.Reset();
                    current = await Save(current with
                    {
                        ContentHash = hash, Facts = facts, Status = FingerprintStatus.Extracting,
                        EarlierContentHash = earlier ?? current.EarlierContentHash, HashVersion = ModelState.CurrentHashVersion,
                    });
                    break;
            }
        }

        var key = await FingerprintKey(current, job.Probes.ProbeHash);
        if (current.Silo == null && await store.ContainsAsync(key))
        {
            if (await store.FingerprintProblemAsync(key, job.Probes.ProbeHash, job.Probes.Statements) is not { } problem)
                return await WithSketches(await Save(current with { Status = FingerprintStatus.Done, FingerprintKey = key, Reused = true }));
            current = await Repair(current, key, $"the stored fingerprint {key} was unusable ({problem}); extracted again");
        }
        try
        {
            var extraction = await GrainFactory.GetGrain<IFingerprintGrain>(key).EnsureAsync(job.Path, current.ContentHash!, job.Probes);
            switch (extraction.State)
            {
                case JobState.Done:
                    _backoff.Reset();
                    return await WithSketches(await Save(current with { Status = FingerprintStatus.Done, FingerprintKey = key, Silo = extraction.Silo }));
                case JobState.Failed:
                    return await Failed(current with { Silo = extraction.Silo }, extraction.Error, extraction.ErrorKind ?? FailureKind.Internal);
                default:
                    return current.Silo == extraction.Silo ? current : await Save(current with { Silo = extraction.Silo });
            }
        }
        catch (Exception e)
        {
            // No accelerator silo right now, or the one running the extraction just died: ask again next time.
            log.LogWarning("{Model}: extraction not reachable yet ({Error}); will retry", this.GetPrimaryKeyString(), e.Message);
            return current;
        }
    }

    /// <summary>
    /// The store key of this model's fingerprint: by its content hash, or — for files an earlier version hashed under the
    /// other definition, whose fingerprint is stored under that hash — by the earlier hash, so an upgrade extracts nothing again.
    /// </summary>
    async Task<string> FingerprintKey(ModelState current, string probeHash)
    {
        var key = StoreKeys.Fingerprint(current.ContentHash!, probeHash);
        if (current.Silo != null || current.EarlierContentHash is not { } earlier || earlier == current.ContentHash) return key;
        var earlierKey = StoreKeys.Fingerprint(earlier, probeHash);
        return !await store.ContainsAsync(key) && await store.ContainsAsync(earlierKey) ? earlierKey : key;
    }

    Task<ModelState?> IModelGrain.GetStateAsync() => Task.FromResult(state.RecordExists ? state.State : null);

    /// <summary>
    /// A done model whose stored fingerprint and signature are still whole stays done; one whose store lost them, or
    /// holds them corrupt, is made again (the corrupt blob deleted first, so nothing ever reads it).
    /// </summary>
    async Task<ModelState> Verified(ModelState done, ModelJob job)
    {
        var reread = done with { Status = FingerprintStatus.Hashing, ContentHash = null, Facts = null, FingerprintKey = null, Reused = false, Silo = null };
        if (done.Facts?.WeightSignatureKey is { } signature && await store.WeightSignatureProblemAsync(signature) is { } broken)
            return await Repair(reread, signature, $"the stored weight signature {signature} was unusable ({broken}); read again");
        if (done.Facts?.WeightEvidenceKey is { } evidence && await store.WeightEvidenceProblemAsync(evidence) is { } unusable)
            return await Repair(reread, evidence, $"the stored weight evidence {evidence} was unusable ({unusable}); read again");
        if (await store.FingerprintProblemAsync(done.FingerprintKey!, job.Probes.ProbeHash, job.Probes.Statements) is { } problem)
            return await Repair(done with { Status = FingerprintStatus.Extracting, FingerprintKey = null, Reused = false, Silo = null },
                done.FingerprintKey!, $"the stored fingerprint {done.FingerprintKey} was unusable ({problem}); extracted again");
        await WithSketches(done);
        // A repair is told once, in the scan that made it.
        return done.Repaired == null ? done : await Save(done with { Repaired = null });
    }

    /// <summary>
    /// A done model's sketches, made from its stored fingerprint and signature where the store lacks them (kept from before
    /// sketches were made) or holds them corrupt: the candidate stage then finds every model's sketches in the store.
    /// </summary>
    async Task<ModelState> WithSketches(ModelState done)
    {
        try { await EnsureSketches(done); }
        // Sketches serve the candidate stage, which makes what it lacks: a store hiccup here must not fail the model.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning("{Model}: sketches not made this time ({Error})", this.GetPrimaryKeyString(), e.Message);
        }
        return done;
    }

    async Task EnsureSketches(ModelState done)
    {
        var (_, made) = await store.GetOrMakeSketchAsync(StoreKeys.ReefSketch(done.FingerprintKey!), SketchKind.Reef,
            async () => ReefSketch.Of(await store.GetFingerprintAsync(done.FingerprintKey!)));
        if (made != null) log.LogInformation("{Model}: REEF sketch made from the stored fingerprint ({Why})", this.GetPrimaryKeyString(), made);
        if (done.Facts?.WeightSignatureKey is { } signature)
        {
            (_, made) = await store.GetOrMakeSketchAsync(StoreKeys.WeightSketch(signature), SketchKind.Weights,
                async () => WeightSketch.Of(await store.GetWeightSignatureAsync(signature)));
            if (made != null) log.LogInformation("{Model}: weight sketch made from the stored signature ({Why})", this.GetPrimaryKeyString(), made);
        }
    }

    async Task<ModelState> Repair(ModelState value, string key, string what)
    {
        log.LogWarning("{Model}: {Repair}", this.GetPrimaryKeyString(), what);
        await store.DeleteAsync(key);
        metrics.StoredValueRepaired();
        return await Save(value with { Repaired = what });
    }

    /// <summary>
    /// A transient failure (the store unreachable, a timeout) is retried after a growing pause and recorded only when it
    /// keeps failing; any other is recorded at once, with its kind, so that a rescan retries what was not the model's fault.
    /// </summary>
    async Task<ModelState> Failed(ModelState current, string? error, string kind)
    {
        if (FailureKind.IsTransient(kind) && _backoff.Retry())
        {
            log.LogWarning("{Model}: {Error} ({Kind}); retrying in {Delay}", this.GetPrimaryKeyString(), error, kind, _backoff.Delay);
            return current;
        }
        var reason = !FailureKind.IsTransient(kind) ? error : $"{error} (after {_backoff.Attempts} attempts; a rescan tries again)";
        return await Save(current with { Status = FingerprintStatus.Failed, FailureReason = reason, FailureKind = kind }, kind);
    }

    /// <summary>
    /// Reads the checkpoint once for its hash and facts, and stores its weight signature and evidence by content (once for all ids
    /// with that content), so analysis takes them from the store and never opens the checkpoint again.
    /// </summary>
    async Task<(string, string?, ModelFacts)> Inspect(string path, InputLimits limits, bool earlierHash)
    {
        var facts = CheckpointInspection.Inspect(path, limits);
        // A state from an earlier version: its fingerprint is stored under the earlier definition of the hash (one more read, once).
        var earlier = earlierHash ? CheckpointInspection.EarlierContentHash(path, limits) : null;
        string? signatureKey = null;
        if (facts.WeightSignature is { } signature)
        {
            signatureKey = StoreKeys.WeightSignature(facts.ContentHash);
            if (!await store.ContainsAsync(signatureKey) || await store.WeightSignatureProblemAsync(signatureKey) != null)
                await store.PutWeightSignatureAsync(signatureKey, signature);
            await store.PutSketchAsync(StoreKeys.WeightSketch(signatureKey), SketchKind.Weights, WeightSketch.Of(signature));
        }
        var evidenceKey = StoreKeys.WeightEvidence(facts.ContentHash);
        if (await store.WeightEvidenceProblemAsync(evidenceKey) != null) await store.PutWeightEvidenceAsync(evidenceKey, facts.WeightEvidence);
        return (facts.ContentHash, earlier, new ModelFacts
        {
            Architecture = facts.Architecture, Layers = facts.Layers, HiddenSize = facts.HiddenSize, Parameters = facts.Parameters,
            ParentHints = facts.ParentHints.Select(h => h.Name).ToList(), WeightSignatureKey = signatureKey, NoWeightSignature = facts.NoWeightSignature,
            WeightEvidenceKey = evidenceKey, Version = ModelFacts.CurrentVersion,
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
