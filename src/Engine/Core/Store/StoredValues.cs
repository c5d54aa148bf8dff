using Reef.Engine.Candidates;
using Reef.Engine.Fingerprints;
using Reef.Engine.Probes;
using Reef.Engine.Weights;

namespace Reef.Engine.Store;

/// <summary>Typed reads and writes of what the store holds, with errors that name the missing key.</summary>
public static class StoredValues
{
    public static async Task<Fingerprint> GetFingerprintAsync(this IBlobStore store, string key) =>
        FingerprintFile.FromBytes(await store.GetAsync(key) ?? throw new InvalidInputException(key, "fingerprint is not in the store"), key);

    /// <summary>
    /// Stores a fingerprint's standardized Grams, REEF's preprocessing and the one a registry scores: a hub of 10⁵ models
    /// keeps 1.3 MB a model (n = 200, L = 32) instead of twice that.
    /// </summary>
    /// <returns>The fingerprint as the store now holds it (half precision): what every reader of the key will get.</returns>
    public static async Task<Fingerprint> PutFingerprintAsync(this IBlobStore store, string key, Fingerprint fingerprint)
    {
        var bytes = FingerprintFile.ToBytes(fingerprint.Keeping(Preprocessing.Standardized));
        // Decoded before the put, so that nothing slow stands between storing it and what the caller does next (counting
        // the extraction: a silo killed in between leaves a stored fingerprint uncounted).
        var stored = FingerprintFile.FromBytes(bytes, key);
        await store.PutAsync(key, bytes);
        return stored;
    }

    public static async Task<WeightSignature> GetWeightSignatureAsync(this IBlobStore store, string key) =>
        WeightSignatureFile.FromBytes(await store.GetAsync(key) ?? throw new InvalidInputException(key, "weight signature is not in the store"), key);

    public static Task PutWeightSignatureAsync(this IBlobStore store, string key, WeightSignature signature) =>
        store.PutAsync(key, WeightSignatureFile.ToBytes(signature));

    public static async Task<ProbeSet> GetProbesAsync(this IBlobStore store, string probeHash)
    {
        var key = StoreKeys.Probes(probeHash);
        var probes = ProbeSetCodec.Decode(await store.GetAsync(key) ?? throw new InvalidInputException(key, "probe set is not in the store"), key);
        return probes.Hash == probeHash ? probes : throw new InvalidInputException(key, $"stored probe set hashes to {probes.Hash}, not its key");
    }

    /// <summary>Stores the probe set under its hash (again, when what is stored there does not verify) and returns the hash.</summary>
    public static async Task<string> PutProbesAsync(this IBlobStore store, ProbeSet probes)
    {
        var key = StoreKeys.Probes(probes.Hash);
        if (await store.GetAsync(key) is not { } stored || !Verifies(stored)) await store.PutAsync(key, ProbeSetCodec.Encode(probes));
        return probes.Hash;

        bool Verifies(byte[] bytes)
        {
            try { return ProbeSetCodec.Decode(bytes, key).Hash == probes.Hash; }
            catch (InvalidInputException) { return false; }
        }
    }

    /// <summary>
    /// What is wrong with the fingerprint stored under <paramref name="key"/> for a probe set (its hash and statement
    /// count; 0 when unknown); null when it is whole, well-formed and for those probes. Verified where it is used:
    /// the key's existence says nothing about the bytes under it.
    /// </summary>
    public static async Task<string?> FingerprintProblemAsync(this IBlobStore store, string key, string probeHash, int statements)
    {
        var bytes = await store.GetAsync(key);
        if (bytes == null) return "it is not in the store";
        try
        {
            var (hash, count) = FingerprintFile.Check(bytes, key);
            if (hash != probeHash) return $"it is for probe set {hash[..Math.Min(12, hash.Length)]}, not {probeHash[..Math.Min(12, probeHash.Length)]}";
            if (statements > 0 && count != statements) return $"it holds {count} statements, not the probe set's {statements}";
            return null;
        }
        catch (InvalidInputException e) { return e.Reason; }
    }

    /// <summary>What is wrong with the weight signature stored under <paramref name="key"/>; null when it is whole.</summary>
    public static Task<string?> WeightSignatureProblemAsync(this IBlobStore store, string key) =>
        store.ProblemAsync(key, bytes => WeightSignatureFile.Check(bytes, key));

    /// <summary>The weight evidence stored under <paramref name="key"/>, verified; throws naming the key when it is missing or does not verify.</summary>
    public static async Task<WeightEvidence> GetWeightEvidenceAsync(this IBlobStore store, string key) =>
        WeightEvidenceFile.FromBytes(await store.GetAsync(key) ?? throw new InvalidInputException(key, "weight evidence is not in the store"), key);

    public static Task PutWeightEvidenceAsync(this IBlobStore store, string key, WeightEvidence evidence) =>
        store.PutAsync(key, WeightEvidenceFile.ToBytes(evidence));

    /// <summary>What is wrong with the weight evidence stored under <paramref name="key"/>; null when it is whole.</summary>
    public static Task<string?> WeightEvidenceProblemAsync(this IBlobStore store, string key) =>
        store.ProblemAsync(key, bytes => WeightEvidenceFile.Check(bytes, key));

    /// <summary>What <paramref name="check"/> finds wrong with the blob under <paramref name="key"/> ("not in the store" when absent); null when it is whole.</summary>
    static async Task<string?> ProblemAsync(this IBlobStore store, string key, Action<byte[]> check)
    {
        var bytes = await store.GetAsync(key);
        if (bytes == null) return "it is not in the store";
        try
        {
            check(bytes);
            return null;
        }
        catch (InvalidInputException e) { return e.Reason; }
    }

    /// <summary>The sketch stored under <paramref name="key"/>, or null with what is wrong (missing, corrupt, of another method).</summary>
    public static async Task<(float[]? Sketch, string? Problem)> GetSketchAsync(this IBlobStore store, string key, SketchKind kind)
    {
        if (await store.GetAsync(key) is not { } bytes) return (null, "it is not in the store");
        try { return (SketchFile.FromBytes(bytes, kind, key), null); }
        catch (InvalidInputException e) { return (null, e.Reason); }
    }

    /// <summary>
    /// The sketch under <paramref name="key"/>; made with <paramref name="make"/> and stored when it is missing or does not
    /// verify (a fingerprint stored before sketches were kept, a corrupt blob), with what was wrong; Problem null when it was whole.
    /// </summary>
    public static async Task<(float[] Sketch, string? Problem)> GetOrMakeSketchAsync(this IBlobStore store, string key, SketchKind kind,
        Func<Task<float[]>> make)
    {
        var (stored, problem) = await store.GetSketchAsync(key, kind);
        if (stored != null) return (stored, null);
        var made = await make();
        await store.PutSketchAsync(key, kind, made);
        return (made, problem);
    }

    public static Task PutSketchAsync(this IBlobStore store, string key, SketchKind kind, float[] sketch) =>
        store.PutAsync(key, SketchFile.ToBytes(kind, sketch));
}
