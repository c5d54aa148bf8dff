namespace Reef.Grains.Abstractions;

/// <summary>Where a scan is. Stored as numbers: new phases go at the end.</summary>
[GenerateSerializer, Alias("reef.ScanPhase")]
public enum ScanPhase { Fingerprinting, Comparing, Done, Discovering }
