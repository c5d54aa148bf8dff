namespace Reef.Grains.Abstractions;

/// <summary>
/// One scored pair of fingerprints as the registry hands it out: REEF scores, the weight score (NaN where the weights
/// cannot be compared), and whether it was scored as a calibration sample (fitting the null) rather than as a candidate.
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.RegistryPair")]
public sealed record RegistryPair(string A, string B, double Reef, double Best, double Alignment, double Weights, bool Sample);

/// <summary>A page of scored pairs; <see cref="Last"/> when no key follows it.</summary>
[GenerateSerializer, Immutable, Alias("reef.RegistryPairPage")]
public sealed record RegistryPairPage(IReadOnlyList<RegistryPair> Pairs, bool Last);
