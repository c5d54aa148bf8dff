namespace Reef.Grains;

/// <summary>A registry's persisted state: its models and the finished tiles (the scores themselves are in the store).</summary>
[GenerateSerializer]
public sealed class RegistryState
{
    /// <summary>Model id → fingerprint store key.</summary>
    [Id(0)] public Dictionary<string, string> Models { get; set; } = new();

    /// <summary>Keys of the tiles whose results are in the store.</summary>
    [Id(1)] public List<string> Tiles { get; set; } = new();

    [Id(2)] public List<string> Scans { get; set; } = new();
}
