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
/// <param name="Matrix">Scores and facts of the fingerprinted models.</param>
/// <param name="Analysis">Their verdicts, families and lineage.</param>
/// <param name="OutDir">Where the files are.</param>
/// <param name="Report">The report's path.</param>
public sealed record ScanOutcome(ScanProgress Progress, SimilarityMatrix Matrix, RegistryAnalysis Analysis, string OutDir, string Report);

/// <summary>
/// The scan recipe, in one place for <c>reef scan</c>, <c>reef eval</c> and the tests: store the probes, run the scan
/// on the cluster (the silos list the hub, read each checkpoint once, extract and score), analyse the registry's
/// matrix, write the files, and render the report.
/// </summary>
public static class ScanPipeline
{
    /// <summary>Pairs whose layer matrices the report shows by default.</summary>
    const int SuspectPairs = 6;
    /// <summary>Largest registry whose N × N views a candidate scan writes.</summary>
    public const int DenseViewsUpTo = 2_000;
    /// <summary>Fingerprints whose pairs one page of <see cref="IRegistryGrain.GetPairsAsync"/> holds.</summary>
    const int PairPageKeys = 1_000;

    /// <param name="client">A client of the cluster (embedded or remote).</param>
    /// <param name="store">The cluster's store, for the probe set.</param>
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
        var registry = client.GetGrain<IRegistryGrain>(job.Registry);
        SimilarityMatrix matrix;
        RegistryAnalysis analysis;
        if (job.Pairs == PairModes.All)
        {
            matrix = await ScanRunner.Retry(() => registry.GetMatrixAsync(done), cancellation);
            analysis = MatrixAnalysis.Analyze(matrix, job.UseWeights, job.Policy);
        }
        else
        {
            var models = await ScanRunner.Retry(() => registry.GetModelsAsync(done), cancellation);
            if (done.Count > DenseViewsUpTo)
                throw new InvalidInputException(job.Hub, $"{done.Count} models: a candidate scan writes its dense views (matrix.json, matrix.csv, the heatmap) " +
                                                         $"for up to {DenseViewsUpTo:N0}; larger outputs (pairs.parquet) are not built yet");
            var scored = new List<RegistryPair>();
            for (var from = 0; ; from += PairPageKeys)
            {
                var page = await ScanRunner.Retry(() => registry.GetPairsAsync(from, PairPageKeys), cancellation);
                scored.AddRange(page.Pairs);
                if (page.Last) break;
            }
            analysis = MatrixAnalysis.Analyze(models, scored, job.UseWeights, job.Policy);
            matrix = MatrixAnalysis.Dense(models, analysis.Pairs);
        }

        var layers = new List<Outputs.LayerPair>();
        foreach (var (i, j) in LayerPairs(analysis, job))
        {
            var key = matrix.FingerprintKeys[i] + "|" + matrix.FingerprintKeys[j];
            var comparison = await ScanRunner.Retry(() => client.GetGrain<IComparisonGrain>(key).GetAsync(), cancellation);
            layers.Add(ScanFiles.Layers(matrix.Ids[i], matrix.Ids[j], comparison));
        }
        ScanFiles.Write(job.OutDir, scan, matrix, analysis, job.Probes, layers);
        addOutputs?.Invoke(scan, analysis);
        return new ScanOutcome(scan, matrix, analysis, job.OutDir, HtmlReport.Write(job.OutDir));
    }

    static IEnumerable<(int, int)> LayerPairs(RegistryAnalysis analysis, ScanJob job)
    {
        var n = analysis.Models.Count;
        return job.Layers switch
        {
            LayerMatrices.All => from i in Enumerable.Range(0, n) from j in Enumerable.Range(i + 1, n - i - 1) select (i, j),
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
