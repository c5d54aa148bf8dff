namespace Reef.Grains.Abstractions;

/// <summary>One scan of a hub, keyed by scan id; resumable: starting or continuing it picks up where it stopped.</summary>
[Alias("reef.IScanGrain")]
public interface IScanGrain : IGrainWithStringKey
{
    /// <summary>Starts the scan, or continues it if one with this id and request exists; returns progress at once.</summary>
    [Alias("StartAsync")]
    Task<ScanProgress> StartAsync(ScanRequest request);

    /// <summary>
    /// Keeps an unfinished scan running (after its silo died, the new activation waits for this) and returns
    /// progress, or null if no scan has this id. The client that runs the scan polls with this.
    /// </summary>
    [Alias("ContinueAsync")]
    Task<ScanProgress?> ContinueAsync();

    /// <summary>Progress, or null if no scan has this id; only looks (<c>reef status</c>).</summary>
    [Alias("GetProgressAsync")]
    Task<ScanProgress?> GetProgressAsync();
}
