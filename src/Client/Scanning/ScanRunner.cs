using System.Security.Cryptography;
using System.Text;
using Reef.Engine;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>
/// Drives a scan grain from the client side: starts (or resumes) it and polls it to the end, riding out silos that
/// die on the way. The hub is listed on a silo; the client only names it.
/// </summary>
public static class ScanRunner
{
    /// <summary>The scan id a hub gets by default: the same hub and registry resume the same scan.</summary>
    public static string DefaultScanId(string hub, string registry) =>
        "scan-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(hub) + "\n" + registry)))[..12];

    /// <summary>The scan's final progress. A hub the silo could not list is bad input (<see cref="InvalidInputException"/>).</summary>
    public static async Task<ScanProgress> RunAsync(IClusterClient client, string scanId, ScanRequest request, IProgress<ProgressUpdate>? progress,
        CancellationToken cancellation = default)
    {
        var scan = client.GetGrain<IScanGrain>(scanId);
        var state = await Retry(() => scan.StartAsync(request), cancellation);
        var shown = "";
        while (true)
        {
            var now = $"{state.Phase} {state.Done} {state.Failed} {state.TilesDone}";
            if (now != shown) Report(progress, state);
            shown = now;
            if (state.Phase == ScanPhase.Done) break;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
            state = await Retry(scan.ContinueAsync, cancellation) ?? state;
        }
        if (state is { Error: { } error, ErrorFile: { } file })
            throw new InvalidInputException(file, error.StartsWith(file + ": ", StringComparison.Ordinal) ? error[(file.Length + 2)..] : error);
        if (state.Error is { } failure) throw new InvalidOperationException($"scan {scanId} could not finish: {failure}");
        return state;
    }

    static void Report(IProgress<ProgressUpdate>? progress, ScanProgress p)
    {
        if (progress == null) return;
        var detail = $"{p.Extracted} extracted, {p.Reused} reused, {p.Failed} failed";
        if (p.Phase == ScanPhase.Discovering) return; // listing the hub: nothing to count yet
        if (p.Phase == ScanPhase.Fingerprinting) progress.Report(new ProgressUpdate("fingerprint", p.Done + p.Failed, p.Total, "models", Detail: detail));
        else
            progress.Report(new ProgressUpdate("compare", p.Phase == ScanPhase.Done ? Math.Max(p.TilesTotal, 1) : p.TilesDone, Math.Max(p.TilesTotal, 1), "tiles"));
    }

    /// <summary>
    /// Calls again while the cluster is recovering (a silo died and its grains are being reactivated elsewhere),
    /// for up to five minutes without a single success.
    /// </summary>
    public static async Task<T> Retry<T>(Func<Task<T>> call, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try { return await call(); }
            catch (Exception) when (DateTime.UtcNow < deadline && !cancellation.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }
}
