namespace Reef.Grains.Abstractions;

/// <summary>Where a model's fingerprint stands.</summary>
[GenerateSerializer]
public enum FingerprintStatus { Pending, Hashing, Extracting, Done, Failed }
