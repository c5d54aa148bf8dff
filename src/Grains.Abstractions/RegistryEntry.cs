namespace Reef.Grains.Abstractions;

/// <summary>A registry model: its id, the store key of its fingerprint, and its facts.</summary>
[GenerateSerializer, Immutable, Alias("reef.RegistryEntry")]
public sealed record RegistryEntry(string Id, string FingerprintKey, ModelFacts Facts);
