using Reef.Client.Outputs;
using Reef.Client.Reporting;
using Reef.Engine;
using Reef.Engine.Analysis;
using Reef.Engine.Probes;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>What a finished run of the pipeline produced.</summary>
/// <param name="Progress">The scan's final progress: every model's status, failures, counts.</param>
/// <param name="Models">Ids, fingerprints and facts of the fingerprinted models.</param>
/// <param name="Analysis">Their verdicts, families and lineage.</param>
/// <param name="OutDir">Where the files are.</param>
/// <param name="Report">The report's path.</param>
/// <param name="Dense">Whether the N × N views (matrix.csv, matrix.json's matrices, matrix.png) were written.</param>
public sealed record ScanOutcome(ScanProgress Progress, RegistryModels Models, RegistryAnalysis Analysis, string OutDir, string Report, bool Dense);

/// <summary>
/// The scan recipe, in one place for <c>reef scan</c>, <c>reef eval</c> and the tests: store the probes, run the scan
/// on the cluster (the silos list the hub, read each checkpoint once, extract and score), analyse the registry's
/// matrix, write the files, and render the report.
/// </summary>
public static class ScanPipeline
{
    /// <summary>Pairs whose layer matrices the report shows by default.</summary>
    const int SuspectPairs = 6;

    /// <param name="client">A client of the cluster (embedded or remote).</param>
    /// <param name="store">The cluster's store, for the probe set and the lineage's weight evidence.</param>
    /// <param name="job">What to scan and how.</param>
    /// <param name="progress">Progress of the scan.</param>
    /// <param name="addOutputs">Writes more files into the output folder before the report is rendered (eval.json).</param>
    /// <param name="cancellation">Stops waiting for the scan.</param>
    public static async Task<ScanOutcome> RunAsync(IClusterClient client, IBlobStore store, ScanJob job, IProgress<ProgressUpdate>? progress,
        Action<ScanProgress, RegistryAnalysis>? addOutputs = null, CancellationToken cancellation = default)
    {
        ProbeRequirements.CheckForFingerprint(job.Probes);
        await store.PutProbesAsync(job.Probes);
        var request = new ScanRequest
        {
            Hub = Path.GetFullPath(job.Hub), Registry = job.Registry, Window = job.Window, Kernel = job.Kernel.ToString().ToLowerInvariant(), Pairs = job.Pairs,
            Settings = new ExtractionSettings
            {
                ProbeHash = job.Probes.Hash, Statements = job.Probes.Count, BatchSize = job.BatchSize, Dtype = job.Dtype,
                MaxTokenizerBytes = job.Limits?.MaxTokenizerBytes ?? 0, MaxHeaderBytes = job.Limits?.MaxHeaderBytes ?? 0,
            },
        };
        var scan = await ScanRunner.RunAsync(client, job.ScanId, request, progress, cancellation);
        var done = scan.Models.Where(m => m.Status == FingerprintStatus.Done).Select(m => m.Id).ToList();
        var (models, analysis, dense) = await RegistryReader.ReadAsync(client.GetGrain<IRegistryGrain>(job.Registry), done, job.UseWeights, job.Policy,
            job.DenseViewsUpTo, store, cancellation);

        var layers = new List<Outputs.LayerPair>();
        foreach (var (i, j) in LayerPairs(analysis, job))
        {
            var key = models.FingerprintKeys[i] + "|" + models.FingerprintKeys[j];
            var comparison = await ScanRunner.Retry(() => client.GetGrain<IComparisonGrain>(key).GetAsync(), cancellation);
            layers.Add(ScanFiles.Layers(models.Ids[i], models.Ids[j], comparison));
        }
        ScanFiles.Write(job.OutDir, scan, models, dense, analysis, job.Probes, layers, job.DenseViewsUpTo);
        addOutputs?.Invoke(scan, analysis);
        return new ScanOutcome(scan, models, analysis, job.OutDir, HtmlReport.Write(job.OutDir), dense != null);
    }

    static IEnumerable<(int, int)> LayerPairs(RegistryAnalysis analysis, ScanJob job)
    {
        return job.Layers switch
        {
            // Every verified pair: all of them in a scan of every pair, the candidates' in a candidate scan.
            LayerMatrices.All => analysis.Pairs.All.Select(p => (p.A, p.B)),
            LayerMatrices.TopSuspects => TopSuspects(analysis, job.Victim),
            _ => [],
        };
    }

    /// <summary>
    /// The victim's suspects, or else the registry's pairs, ranked as the suspects list ranks them. Identical contents
    /// (one fingerprint) are left out: their matrix says nothing.
    /// </summary>
    static IEnumerable<(int, int)> TopSuspects(RegistryAnalysis analysis, string? victim)
    {
        // An unknown victim shows the registry's pairs; its suspects list then reports the unknown id.
        int? v = analysis.Models.Select(m => m.Id).ToList().IndexOf(victim ?? "") is >= 0 and var index ? index : null;
        return analysis.StrongestPairs(v).Where(p => analysis.Models[p.A].ContentKey != analysis.Models[p.B].ContentKey)
            .Select(p => (p.A, p.B)).Take(SuspectPairs);
    }
}
