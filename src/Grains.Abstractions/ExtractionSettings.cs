namespace Reef.Grains.Abstractions;

/// <summary>How fingerprints are taken: the probe set (stored under its hash) and the forward pass's batch and dtype.</summary>
[GenerateSerializer, Immutable]
public sealed record ExtractionSettings(string ProbeHash, int BatchSize, string Dtype);
