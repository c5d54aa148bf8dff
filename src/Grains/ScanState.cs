using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>A scan's persisted state: what it was asked, and where each model stood when last saved.</summary>
[GenerateSerializer]
public sealed class ScanState
{
    [Id(0)] public ScanRequest? Request { get; set; }
    [Id(1)] public Dictionary<string, ScanModelStatus> Models { get; set; } = new();
    [Id(2)] public ScanPhase Phase { get; set; }
    [Id(3)] public DateTimeOffset Started { get; set; }
    [Id(4)] public DateTimeOffset? Finished { get; set; }
    [Id(5)] public string? Error { get; set; }
    [Id(6)] public int TilesDone { get; set; }
    [Id(7)] public int TilesTotal { get; set; }
}
