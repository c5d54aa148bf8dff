using System.Security.Cryptography;
using System.Text;
using Reef.Engine;
using Reef.Engine.Checkpoints;
using Reef.Engine.Probes;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>What a finished scan returns: its final progress, the matrix of its fingerprinted models, and the checkpoints it found.</summary>
public sealed record ScanResult(ScanProgress Progress, SimilarityMatrix Matrix, IReadOnlyList<ScanModel> Models)
{
    /// <summary>The checkpoint folder of each matrix id, in matrix order.</summary>
    public IReadOnlyList<string> MatrixPaths()
    {
        var paths = Models.ToDictionary(m => m.Id, m => m.Path);
        return Matrix.Ids.Select(id => paths[id]).ToList();
    }
}

/// <summary>
/// Runs a scan from the client side: finds the hub's checkpoints, stores the probe set, starts (or resumes) the
/// scan grain and polls it to the end, riding out silos that die on the way.
/// </summary>
public static class ScanRunner
{
    /// <summary>The scan id a hub gets by default: the same hub and registry resume the same scan.</summary>
    public static string DefaultScanId(string hub, string registry) =>
        "scan-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(hub) + "\n" + registry)))[..12];

    /// <summary>Every checkpoint under <paramref name="hub"/>, with its folder signature.</summary>
    public static IReadOnlyList<ScanModel> Discover(string hub) =>
        HubDiscovery.Find(hub).Select(m => new ScanModel(m.Id, m.Path, FolderSignature.Of(m.Path))).ToList();

    public static async Task<ScanResult> RunAsync(IClusterClient client, IBlobStore store, string scanId, string hub, string registry,
        ProbeSet probes, int batchSize, string dtype, int window, IProgress<ProgressUpdate>? progress, CancellationToken cancellation = default)
    {
        var models = Discover(hub);
        if (models.Count == 0) throw new InvalidInputException(hub, "no checkpoints found (folders with a config.json, or models--org--name/snapshots/REV)");
        await store.PutProbesAsync(probes);
        var request = new ScanRequest(Path.GetFullPath(hub), registry, models, new ExtractionSettings(probes.Hash, batchSize, dtype), window);
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
        var done = state.Models.Where(m => m.Status == FingerprintStatus.Done).Select(m => m.Id).ToList();
        var matrix = await Retry(() => client.GetGrain<IRegistryGrain>(registry).GetMatrixAsync(done), cancellation);
        return new ScanResult(state, matrix, models);
    }

    static void Report(IProgress<ProgressUpdate>? progress, ScanProgress p)
    {
        if (progress == null) return;
        var detail = $"{p.Extracted} extracted, {p.Reused} reused, {p.Failed} failed";
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
