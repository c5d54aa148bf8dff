namespace Reef.Grains.Abstractions;

/// <summary>
/// Where a model's fingerprint stands. Hashing covers all of reading the checkpoint before extraction: validation,
/// the content hash and the model's facts. Stored as numbers: new states go at the end.
/// </summary>
[GenerateSerializer, Alias("reef.FingerprintStatus")]
public enum FingerprintStatus { Pending, Hashing, Extracting, Done, Failed }
