namespace Reef.Grains.Abstractions;

/// <summary>What a model grain knows about its checkpoint and fingerprint.</summary>
/// <param name="Path">Checkpoint folder.</param>
/// <param name="Signature">The folder signature the rest of the state belongs to.</param>
/// <param name="ProbeHash">The probe set the fingerprint is for.</param>
/// <param name="Status">Fingerprint status.</param>
/// <param name="ContentHash">SHA-256 of config and weights, once hashed.</param>
/// <param name="FingerprintKey">Store key of the fingerprint, once done.</param>
/// <param name="Reused">True when the fingerprint was already in the store (an earlier scan, or an identical checkpoint).</param>
/// <param name="Silo">The silo that extracted the fingerprint, when this model's request ran the extraction.</param>
/// <param name="FailureReason">Why it failed: the file and what is wrong.</param>
[GenerateSerializer, Immutable]
public sealed record ModelState(string Path, string Signature, string ProbeHash, FingerprintStatus Status, string? ContentHash,
    string? FingerprintKey, bool Reused, string? Silo, string? FailureReason)
{
    public bool Finished => Status is FingerprintStatus.Done or FingerprintStatus.Failed;
}
