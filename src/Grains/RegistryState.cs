using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// A registry's stored state: its models, their facts, and the finished tiles (the scores themselves are in the
/// store). Members keep their names and ids, and new ones come at the end, so a registry stored by an older
/// version still reads.
/// </summary>
[GenerateSerializer, Alias("reef.RegistryState")]
public sealed class RegistryState
{
    /// <summary>Model id → fingerprint store key.</summary>
    [Id(0)] public Dictionary<string, string> Models { get; set; } = new();

    /// <summary>Keys of the tiles whose results are in the store.</summary>
    [Id(1)] public List<string> Tiles { get; set; } = new();

    /// <summary>Scans of this registry, oldest first.</summary>
    [Id(2)] public List<string> Scans { get; set; } = new();

    /// <summary>Model id → what the model's checkpoint said of itself (sizes, parent names, weight signature key).</summary>
    [Id(3)] public Dictionary<string, ModelFacts> Facts { get; set; } = new();

    /// <summary>The CKA kernel the registry scores with (linear or rbf); null until the first update.</summary>
    [Id(4)] public string? Kernel { get; set; }

    /// <summary>Probe statements per fingerprint, for the verdicts' minimum; 0 until the first update that says.</summary>
    [Id(5)] public int Statements { get; set; }

    /// <summary>Which pairs it scores (<see cref="PairModes"/>); null for a registry stored before there was a choice: all.</summary>
    [Id(6)] public string? Pairs { get; set; }
}
