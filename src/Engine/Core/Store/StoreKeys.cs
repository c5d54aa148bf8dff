using System.Security.Cryptography;
using System.Text;
using Reef.Engine.Fingerprints;
using Reef.Engine.Weights;

namespace Reef.Engine.Store;

/// <summary>
/// The store's key names. A fingerprint's key covers what makes it what it is (the checkpoint's content, the
/// probes, the capture method), so identical checkpoints under different names share one fingerprint and a
/// changed checkpoint or probe set gets a new one.
/// </summary>
public static class StoreKeys
{
    /// <summary>
    /// A fingerprint: what it is (content × probes × capture method), not how its file lays it out. The file says its own
    /// format, and every format the engine reads is reused: a store of format-1 fingerprints (full float32) is read as it
    /// is, new ones are written in format 2 (half precision), and no checkpoint is fingerprinted again for a new layout.
    /// </summary>
    public static string Fingerprint(string contentHash, string probeHash) =>
        "fingerprints/" + Hash($"{contentHash}\n{probeHash}\n{Fingerprints.Fingerprint.CurrentMethod}\n{FingerprintKeyLayout}");

    /// <summary>What the fingerprint key hashed as the file format before formats were told apart from keys (format 1).</summary>
    const int FingerprintKeyLayout = 1;

    /// <summary>A checkpoint's weight signature: it depends on the content alone, not on the probes.</summary>
    public static string WeightSignature(string contentHash) =>
        "signatures/" + Hash($"{contentHash}\n{Weights.WeightSignature.Method}\n{WeightSignatureFile.FormatVersion}");

    /// <summary>A checkpoint's weight evidence (what types and directs its lineage edges): by content, like its signature.</summary>
    public static string WeightEvidence(string contentHash) =>
        "evidence/" + Hash($"{contentHash}\n{Weights.WeightEvidence.Method}\n{WeightEvidenceFile.FormatVersion}");

    /// <summary>The REEF sketch of a fingerprint: it depends on the fingerprint and the sketch's method.</summary>
    public static string ReefSketch(string fingerprintKey) =>
        "sketches/reef/" + Hash($"{fingerprintKey}\n{Candidates.ReefSketch.Version}\n{Candidates.SketchFile.FormatVersion}");

    /// <summary>The weight sketch of a stored weight signature (by its key, which names the content and the signature's method).</summary>
    public static string WeightSketch(string signatureKey) =>
        "sketches/weights/" + Hash($"{signatureKey}\n{Candidates.WeightSketch.Version}\n{Candidates.SketchFile.FormatVersion}");

    /// <summary>
    /// What a model's candidate search proposed in one registry: registry-specific (another registry searches its own hub),
    /// and tied to the search's policy, so a changed policy searches again.
    /// </summary>
    public static string CandidateProposals(string registry, string fingerprintKey, string policy) =>
        "proposals/" + Hash($"{registry}\n{fingerprintKey}\n{policy}\n{Candidates.CandidateProposals.FormatVersion}");

    public static string Probes(string probeHash) => "probes/" + probeHash;

    public static string Tile(string tileKey) => "tiles/" + tileKey;

    /// <summary>How many times a fingerprint was extracted (a finished one should never be extracted again).</summary>
    public static string ExtractionCounter(string fingerprintKey) => "extractions/" + fingerprintKey.Replace('/', '-');

    /// <summary>How many times a tile was computed (a stored one is never computed again, unless it was corrupt).</summary>
    public static string TileCounter(string tileKey) => "tile-computations/" + tileKey.Replace('/', '-');

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];
}
