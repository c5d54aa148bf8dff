namespace Reef.Grains.Abstractions;

/// <summary>How a registry scores and judges its pairs: the CKA kernel (linear or rbf) and the probe statements per fingerprint.</summary>
[GenerateSerializer, Immutable, Alias("reef.RegistrySettings")]
public sealed record RegistrySettings(string Kernel, int Statements);
