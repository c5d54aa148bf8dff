namespace Reef.Grains.Abstractions;

/// <summary>What a model grain knows: where the checkpoint is, and its fingerprint's status.</summary>
/// <param name="CheckpointPath">Folder every silo sees the checkpoint at.</param>
/// <param name="Status">Fingerprint status.</param>
/// <param name="FailureReason">Why fingerprinting failed, when it did.</param>
[GenerateSerializer, Immutable]
public sealed record class ModelState(string CheckpointPath, FingerprintStatus Status, string? FailureReason);
