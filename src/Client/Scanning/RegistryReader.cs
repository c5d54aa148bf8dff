using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>A registry read for analysis: its models, their analysis, and the N × N scores where the registry is small enough for them.</summary>
/// <param name="Models">Ids, fingerprints and facts, in the analysis's order; <see cref="RegistryModels.Pairs"/> says how it chose its pairs.</param>
/// <param name="Analysis">Verdicts, families and lineage over the scored pairs.</param>
/// <param name="Dense">Every pair's scores as N × N arrays, for the dense views; null above the size given.</param>
public sealed record RegistryRead(RegistryModels Models, RegistryAnalysis Analysis, SimilarityMatrix? Dense);

/// <summary>
/// Reads a registry the way its pair mode needs, in one place for `reef scan`, `reef eval` and `reef suspects`: a registry of
/// every pair gives its matrix (a few thousand models at most); a candidate registry gives its models, then its scored pairs
/// page by page, so no message and nothing here is N × N.
/// </summary>
public static class RegistryReader
{
    /// <summary>Fingerprints whose pairs one page of <see cref="IRegistryGrain.GetPairsAsync"/> holds.</summary>
    const int PairPageKeys = 1_000;

    /// <param name="registry">The registry grain.</param>
    /// <param name="ids">The models to analyse (a scan's fingerprinted ones), or null for all the registry holds.</param>
    /// <param name="useWeights">Whether the verdicts use the weight signal.</param>
    /// <param name="policy">The verdicts' score and error rates.</param>
    /// <param name="denseUpTo">The largest registry whose N × N scores are wanted.</param>
    /// <param name="store">The cluster's store, where the lineage reads the models' weight evidence; null: the lineage goes without.</param>
    /// <param name="cancellation">Stops the reading.</param>
    public static async Task<RegistryRead> ReadAsync(IRegistryGrain registry, IReadOnlyList<string>? ids, bool useWeights, VerdictPolicy policy, int denseUpTo,
        IBlobStore? store, CancellationToken cancellation = default)
    {
        var models = await ScanRunner.Retry(() => registry.GetModelsAsync(ids), cancellation);
        if (models.Pairs == PairModes.All)
        {
            var matrix = await ScanRunner.Retry(() => registry.GetMatrixAsync(models.Ids), cancellation);
            return new RegistryRead(models, await Analysis(() => MatrixAnalysis.Analyze(matrix, useWeights, policy, Evidence(matrix.Facts))),
                models.Ids.Count <= denseUpTo ? matrix : null);
        }
        await UntilReady(registry, cancellation);
        var scored = new List<RegistryPair>();
        for (var from = 0; ; from += PairPageKeys)
        {
            var page = await ScanRunner.Retry(() => registry.GetPairsAsync(from, PairPageKeys), cancellation);
            scored.AddRange(page.Pairs);
            if (page.Last) break;
        }
        var analysis = await Analysis(() => MatrixAnalysis.Analyze(models, scored, useWeights, policy, Evidence(models.Facts)));
        return new RegistryRead(models, analysis, models.Ids.Count <= denseUpTo ? MatrixAnalysis.Dense(models, analysis) : null);

        Func<int, Engine.Weights.WeightEvidence?>? Evidence(IReadOnlyList<ModelFacts?> facts) => store == null ? null : StoredEvidence.From(store, facts);

        // The lineage waits on the store for each family's evidence: on a thread of its own, so that the waits hold no
        // thread-pool thread (an embedded silo in the same process needs them to answer, and the pool grows slowly).
        static Task<RegistryAnalysis> Analysis(Func<RegistryAnalysis> analyze) =>
            Task.Factory.StartNew(analyze, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Keeps the registry working until it is ready: a candidate registry that has just started again (a new process,
    /// a silo gone) plans before its pairs say which are calibration samples, and finishes any tiles an update left.
    /// </summary>
    static async Task UntilReady(IRegistryGrain registry, CancellationToken cancellation)
    {
        while (true)
        {
            var progress = await ScanRunner.Retry(registry.ContinueAsync, cancellation);
            if (progress.Error != null) throw new InvalidOperationException(progress.Error);
            if (progress.Ready) return;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }
    }
}
