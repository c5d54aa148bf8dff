namespace Reef.Grains.Abstractions;

/// <summary>One scan of a hub, keyed by scan id; resumable: starting or continuing it picks up where it stopped.</summary>
public interface IScanGrain : IGrainWithStringKey
{
    /// <summary>Starts the scan, or continues it if one with this id exists; returns progress at once.</summary>
    Task<ScanProgress> StartAsync(ScanRequest request);

    /// <summary>
    /// Keeps an unfinished scan running (after its silo died, the new activation waits for this) and returns
    /// progress, or null if no scan has this id. The client that runs the scan polls with this.
    /// </summary>
    Task<ScanProgress?> ContinueAsync();

    /// <summary>Progress, or null if no scan has this id; only looks (<c>reef status</c>).</summary>
    Task<ScanProgress?> GetProgressAsync();
}

/// <summary>A checkpoint to scan.</summary>
[GenerateSerializer, Immutable]
public sealed record ScanModel(string Id, string Path, string Signature);

/// <summary>What to scan and how.</summary>
/// <param name="Hub">The hub folder (for display).</param>
/// <param name="Registry">The registry the scan's models join.</param>
/// <param name="Models">Every checkpoint found under the hub.</param>
/// <param name="Settings">Probes and forward-pass settings.</param>
/// <param name="Window">How many models are in flight at once (enough to keep every accelerator busy).</param>
[GenerateSerializer, Immutable]
public sealed record ScanRequest(string Hub, string Registry, IReadOnlyList<ScanModel> Models, ExtractionSettings Settings, int Window);

[GenerateSerializer]
public enum ScanPhase { Fingerprinting, Comparing, Done }

/// <summary>One model's place in a scan.</summary>
[GenerateSerializer, Immutable]
public sealed record ScanModelStatus(string Id, FingerprintStatus Status, string? FingerprintKey, bool Reused, string? Silo, string? FailureReason);

/// <summary>Where a scan stands.</summary>
/// <param name="Extracted">Fingerprints extracted for this scan.</param>
/// <param name="Reused">Fingerprints found in the store (earlier scans, identical checkpoints).</param>
[GenerateSerializer, Immutable]
public sealed record ScanProgress(string ScanId, string Hub, string Registry, ScanPhase Phase, int Total, int Done, int Failed, int Extracted, int Reused,
    int TilesDone, int TilesTotal, IReadOnlyList<ScanModelStatus> Models, DateTimeOffset Started, DateTimeOffset? Finished, string? Error);
