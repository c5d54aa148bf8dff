namespace Reef.Grains.Abstractions;

/// <summary>Where a scan stands.</summary>
/// <param name="Extracted">Fingerprints extracted for this scan.</param>
/// <param name="Reused">Fingerprints found in the store (earlier scans, identical checkpoints).</param>
/// <param name="Error">Why the scan could not go on (the hub cannot be listed, a tile failed); null while all is well.</param>
/// <param name="ErrorFile">The file or folder the error is about, when it is bad input (a hub that does not exist).</param>
/// <param name="Skipped">What listing the hub passed over, and why (link loops, links out of the hub).</param>
/// <param name="TileFailures">Tiles of the registry matrix that failed, with why; their pairs have no scores.</param>
/// <param name="Repaired">What was found corrupt in the store and made again (fingerprints, signatures, tiles).</param>
[GenerateSerializer, Immutable, Alias("reef.ScanProgress")]
public sealed record ScanProgress(string ScanId, string Hub, string Registry, ScanPhase Phase, int Total, int Done, int Failed, int Extracted, int Reused,
    int TilesDone, int TilesTotal, IReadOnlyList<ScanModelStatus> Models, DateTimeOffset Started, DateTimeOffset? Finished, string? Error,
    string? ErrorFile = null, IReadOnlyList<string>? Skipped = null, IReadOnlyList<string>? TileFailures = null,
    IReadOnlyList<string>? Repaired = null)
{
    /// <summary>Whether any model or tile failed: the scan finished, but not everything in it.</summary>
    public bool HasFailures => Failed > 0 || TileFailures is { Count: > 0 };
}
