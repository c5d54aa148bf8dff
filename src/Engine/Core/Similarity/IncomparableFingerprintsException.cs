namespace Reef.Engine.Similarity;

/// <summary>Two fingerprints that cannot be compared (different probes, counts or capture method).</summary>
public sealed class IncomparableFingerprintsException(string a, string b, string reason)
    : InvalidInputException(b, $"cannot compare with {a}: {reason}");
