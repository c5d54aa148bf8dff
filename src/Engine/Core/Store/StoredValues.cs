using Reef.Engine.Fingerprints;
using Reef.Engine.Probes;
using Reef.Engine.Weights;

namespace Reef.Engine.Store;

/// <summary>Typed reads and writes of what the store holds, with errors that name the missing key.</summary>
public static class StoredValues
{
    public static async Task<Fingerprint> GetFingerprintAsync(this IBlobStore store, string key) =>
        FingerprintFile.FromBytes(await store.GetAsync(key) ?? throw new InvalidInputException(key, "fingerprint is not in the store"), key);

    public static Task PutFingerprintAsync(this IBlobStore store, string key, Fingerprint fingerprint) =>
        store.PutAsync(key, FingerprintFile.ToBytes(fingerprint));

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

    /// <summary>Stores the probe set under its hash and returns the hash.</summary>
    public static async Task<string> PutProbesAsync(this IBlobStore store, ProbeSet probes)
    {
        var key = StoreKeys.Probes(probes.Hash);
        if (!await store.ContainsAsync(key)) await store.PutAsync(key, ProbeSetCodec.Encode(probes));
        return probes.Hash;
    }
}
