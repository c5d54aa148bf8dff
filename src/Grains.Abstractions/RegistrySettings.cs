namespace Reef.Grains.Abstractions;

/// <summary>
/// How a registry scores and judges its pairs: the CKA kernel (linear or rbf), the probe statements per fingerprint, and
/// which pairs it scores (<see cref="PairModes"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.RegistrySettings")]
public sealed record RegistrySettings(string Kernel, int Statements, string Pairs = PairModes.All);

/// <summary>Which pairs a registry scores.</summary>
public static class PairModes
{
    /// <summary>Every pair, in dense tiles: exact and complete, O(N²); for hubs of up to a few thousand models.</summary>
    public const string All = "all";
    /// <summary>Candidate pairs (sketch neighbours, closure) and calibration samples only: O(N·k), for whole hubs.</summary>
    public const string Candidates = "candidates";

    public static bool IsKnown(string mode) => mode is All or Candidates;
}
