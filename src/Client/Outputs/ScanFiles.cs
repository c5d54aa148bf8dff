using System.Globalization;
using Reef.Engine;
using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Fingerprints;
using Reef.Engine.Probes;
using Reef.Grains.Abstractions;

namespace Reef.Client.Outputs;

/// <summary>
/// A scan's files: <c>pairs.parquet</c> (<see cref="PairsTable"/>) and <c>models.parquet</c> (<see cref="ModelsTable"/>), the
/// sparse answer for a hub of any size; <c>families.json</c> (<see cref="FamiliesFile"/>); <c>matrix.json</c>
/// (<see cref="MatrixFile"/>: metadata, models, failures) and, for a hub small enough to draw, the N × N views —
/// <c>matrix.csv</c> (REEF-layer CKA, one row and column per model) and matrix.json's matrices.
/// </summary>
public static class ScanFiles
{
    /// <param name="directory">Output folder.</param>
    /// <param name="progress">The scan's final progress (models, failures, timings).</param>
    /// <param name="registry">The fingerprinted models' ids, fingerprints and facts, in the analysis's order.</param>
    /// <param name="dense">The registry's scores as an N × N matrix, for the dense views; null above the size that has them.</param>
    /// <param name="analysis">Calibrated verdicts, families and lineage of those models.</param>
    /// <param name="probes">The probe set.</param>
    /// <param name="layers">Layer-by-layer matrices to keep.</param>
    /// <param name="denseViewsUpTo">The largest hub whose dense views are written (stated in matrix.json).</param>
    public static void Write(string directory, ScanProgress progress, RegistryModels registry, SimilarityMatrix? dense, RegistryAnalysis analysis,
        ProbeSet probes, IReadOnlyList<LayerPair> layers, int denseViewsUpTo)
    {
        Directory.CreateDirectory(directory);
        var ids = analysis.Models.Select(m => m.Id).ToList();
        var n = ids.Count;
        PairsTable.Write(directory, analysis, registry.Pairs);
        ModelsTable.Write(directory, progress, registry, analysis);

        var csvPath = Path.Combine(directory, OutputFiles.MatrixCsv);
        // A matrix.csv left from an earlier, smaller scan into the same folder would contradict this one.
        if (dense == null) File.Delete(csvPath);
        else WriteCsv(csvPath, ids, dense);
        double?[][]? Rows(Func<int, int, double?> value) => dense == null ? null
            : Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => value(i, j) is { } v ? Round(v) : null).ToArray()).ToArray();
        double Score(double[] values, int i, int j) => dense!.At(values, i, j);
        var verdicts = analysis.Verdicts;
        var facts = new Dictionary<string, ModelFacts?>();
        for (var i = 0; i < registry.Ids.Count; i++) facts[registry.Ids[i]] = registry.Facts[i];
        OutputFiles.Write(directory, new MatrixFile
        {
            FormatVersion = OutputFiles.FormatVersion,
            Scan = progress.ScanId, Hub = progress.Hub, Registry = progress.Registry, Started = progress.Started, Finished = progress.Finished,
            ProbeSet = ProbeSetSummary.Of(probes), Method = Fingerprint.CurrentMethod, EngineVersion = EngineInfo.Version,
            Kernel = registry.Kernel, Preprocessing = "standardized", Verdict = verdicts.Describe(),
            Extracted = progress.Extracted, Reused = progress.Reused, FailedCount = progress.Failed, Ids = ids,
            Pairs = registry.Pairs, PairsVerified = verdicts.Judged.Count, DenseViewsUpTo = denseViewsUpTo,
            Models = progress.Models.Select(s => Entry(s, facts.GetValueOrDefault(s.Id))).ToList(),
            ReefLayer = Rows((i, j) => Score(dense!.Reef, i, j)), BestPair = Rows((i, j) => Score(dense!.Best, i, j)),
            Alignment = Rows((i, j) => Score(dense!.Alignment, i, j)),
            Weights = analysis.UsesWeights ? Rows((i, j) => Score(dense!.Weights, i, j)) : null,
            PValues = Rows((i, j) => i == j ? null : verdicts[i, j]?.PValue),
            Log10P = Rows((i, j) => i == j ? null : verdicts[i, j]?.LogP / Math.Log(10)),
            Verdicts = dense == null ? null : Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n)
                .Select(j => i == j ? null : verdicts[i, j]?.Verdict.ToString().ToLowerInvariant()).ToArray()).ToArray(),
            Failed = progress.Models.Where(s => s.Status == FingerprintStatus.Failed).Select(s => new FailedModel(s.Id, s.FailureReason)).ToList(),
            Skipped = progress.Skipped ?? [], TileFailures = progress.TileFailures ?? [], Repaired = progress.Repaired ?? [],
            Layers = layers.Count > 0 ? layers : null,
        });

        var edgesOf = analysis.Lineage.ToLookup(e => e.Model);
        OutputFiles.Write(directory, new FamiliesFile
        {
            FormatVersion = OutputFiles.FormatVersion,
            Rule = $"average linkage: groups join while at least {FamilyClustering.JoinAt:P0} of the pairs between them are judged derived",
            LineageRule = "a DAG per family: merges found as mixes of their parents' weights get an edge from each; every scored pair typed from the weights, " +
                          "the poorer model (quantized, pruned, fewer units) the child; root: of the members nothing names a child, the nearest to the rest in raw weights, " +
                          "then by the scores, size only as the tie-break; parents: grown from the root, each model under the nearest placed one (raw-weight distance, " +
                          "then same function by the weight signature, then the judged scores; near-ties to the one placed earlier); checkpoint metadata " +
                          "(base_model, _name_or_path, reef_lineage.json) first where it names a member",
            Families = analysis.Families.Select(f => new FamilyEntry(f.Count, f.Select(i => ids[i]).ToList(),
                f.SelectMany(i => edgesOf[i]).Select(e => Edge(e, ids)).ToList())).ToList(),
        });
    }

    /// <summary>A lineage edge as families.json writes it.</summary>
    static LineageEdge Edge(Engine.Analysis.Lineage.ParentEdge e, IReadOnlyList<string> ids) =>
        new(ids[e.Model], e.Parent < 0 ? null : ids[e.Parent], e.Basis)
        {
            Kind = e.Kind is { } kind ? LineageEdge.KindName(kind) : null, Unit = e.Unit, MixWeight = e.MixWeight,
            Confidence = e.Confidence, Evidence = e.Evidence,
        };

    /// <summary>matrix.csv, row by row to the file: at 2,000 models it is 30 MB.</summary>
    static void WriteCsv(string path, IReadOnlyList<string> ids, SimilarityMatrix dense)
    {
        var n = ids.Count;
        OutputFiles.WriteWhole(path, stream =>
        {
            using var csv = new StreamWriter(stream);
            csv.Write("model," + string.Join(",", ids.Select(Quote)) + "\n");
            for (var i = 0; i < n; i++)
                csv.Write(Quote(ids[i]) + "," + string.Join(',', Enumerable.Range(0, n).Select(j => dense.At(dense.Reef, i, j).ToString("F6", CultureInfo.InvariantCulture))) + "\n");
        });
    }

    /// <summary>One pair's full layer matrix as the file keeps it.</summary>
    public static LayerPair Layers(string a, string b, PairComparison c) =>
        new(a, b, [c.ReefLayerA, c.ReefLayerB],
            Enumerable.Range(0, c.LayersA).Select(i => Enumerable.Range(0, c.LayersB).Select(j => Round(c.Matrix[i * c.LayersB + j])).ToArray()).ToArray());

    static ModelEntry Entry(ScanModelStatus s, ModelFacts? f) => new()
    {
        Id = s.Id, Status = s.Status.ToString().ToLowerInvariant(), Fingerprint = s.FingerprintKey, Reused = s.Reused, Silo = s.Silo,
        Reason = s.FailureReason, FailureKind = s.FailureKind, Architecture = f?.Architecture, Layers = f?.Layers, HiddenSize = f?.HiddenSize, Parameters = f?.Parameters,
        ParentHints = f?.ParentHints, NoWeightSignature = f?.NoWeightSignature,
    };

    /// <summary>Rounded for the file; null where there is no finite value (no score, or the log p-value of identical weights, −∞).</summary>
    static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 9) : null;

    static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
