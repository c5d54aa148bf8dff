using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// A scan's stored state: what it was asked, the checkpoints found in the hub, and where each model stood when last
/// saved. Members keep their names and ids, and new ones come at the end, so a scan stored by an older version
/// still reads.
/// </summary>
[GenerateSerializer, Alias("reef.ScanState")]
public sealed class ScanState
{
    [Id(0)] public ScanRequest? Request { get; set; }
    /// <summary>Model id → its place in the scan.</summary>
    [Id(1)] public Dictionary<string, ScanModelStatus> Models { get; set; } = new();
    [Id(2)] public ScanPhase Phase { get; set; }
    [Id(3)] public DateTimeOffset Started { get; set; }
    [Id(4)] public DateTimeOffset? Finished { get; set; }
    [Id(5)] public string? Error { get; set; }
    [Id(6)] public int TilesDone { get; set; }
    [Id(7)] public int TilesTotal { get; set; }
    /// <summary>The checkpoints the silo found in the hub, in id order.</summary>
    [Id(8)] public List<ScanModel> Checkpoints { get; set; } = new();
    /// <summary>Model id → the facts its model grain read, for the registry.</summary>
    [Id(9)] public Dictionary<string, ModelFacts> Facts { get; set; } = new();
    /// <summary>The file or folder <see cref="Error"/> is about, when it is bad input.</summary>
    [Id(10)] public string? ErrorFile { get; set; }
    /// <summary>What listing the hub passed over, and why ("PATH: a link loop back to …").</summary>
    [Id(11)] public List<string> Skipped { get; set; } = new();
    /// <summary>Registry tiles that failed, with why.</summary>
    [Id(12)] public List<string> TileFailures { get; set; } = new();
    /// <summary>Stored tiles found unusable and scored again.</summary>
    [Id(13)] public List<string> RepairedTiles { get; set; } = new();
}
