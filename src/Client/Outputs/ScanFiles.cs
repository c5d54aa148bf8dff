using System.Globalization;
using System.Text;
using Reef.Engine;
using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Fingerprints;
using Reef.Engine.Probes;
using Reef.Grains.Abstractions;

namespace Reef.Client.Outputs;

/// <summary>
/// A scan's files: <c>matrix.csv</c> (REEF-layer CKA, one row and column per model), <c>matrix.json</c> (<see cref="MatrixFile"/>)
/// and <c>families.json</c> (<see cref="FamiliesFile"/>).
/// </summary>
public static class ScanFiles
{
    /// <param name="directory">Output folder.</param>
    /// <param name="progress">The scan's final progress (models, failures, timings).</param>
    /// <param name="matrix">The registry's scores and facts of the fingerprinted models.</param>
    /// <param name="analysis">Calibrated verdicts, families and lineage of those models.</param>
    /// <param name="probes">The probe set.</param>
    /// <param name="layers">Layer-by-layer matrices to keep.</param>
    public static void Write(string directory, ScanProgress progress, SimilarityMatrix matrix, RegistryAnalysis analysis, ProbeSet probes,
        IReadOnlyList<LayerPair> layers)
    {
        Directory.CreateDirectory(directory);
        var ids = analysis.Models.Select(m => m.Id).ToList();
        var n = ids.Count;
        var verdicts = analysis.Verdicts;
        // The dense views come from the registry's matrix, in its order (the analysis's models are in the same order).
        double Score(double[] values, int i, int j) => matrix.At(values, i, j);

        var csv = new StringBuilder("model," + string.Join(",", ids.Select(Quote)) + "\n");
        for (var i = 0; i < n; i++)
            csv.Append(Quote(ids[i])).Append(',')
                .AppendJoin(',', Enumerable.Range(0, n).Select(j => Score(matrix.Reef, i, j).ToString("F6", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(Path.Combine(directory, OutputFiles.MatrixCsv), csv.ToString());

        double?[][] Rows(Func<int, int, double?> value) =>
            Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => value(i, j) is { } v ? Round(v) : null).ToArray()).ToArray();
        var facts = matrix.Ids.Select((id, i) => (id, f: matrix.Facts[i])).ToDictionary(p => p.id, p => p.f);
        OutputFiles.Write(directory, new MatrixFile
        {
            Scan = progress.ScanId, Hub = progress.Hub, Registry = progress.Registry, Started = progress.Started, Finished = progress.Finished,
            ProbeSet = ProbeSetSummary.Of(probes), Method = Fingerprint.CurrentMethod, EngineVersion = EngineInfo.Version,
            Kernel = matrix.Kernel, Preprocessing = "standardized", Verdict = verdicts.Describe(),
            Extracted = progress.Extracted, Reused = progress.Reused, FailedCount = progress.Failed, Ids = ids,
            Models = progress.Models.Select(s => Entry(s, facts.GetValueOrDefault(s.Id))).ToList(),
            ReefLayer = Rows((i, j) => Score(matrix.Reef, i, j)), BestPair = Rows((i, j) => Score(matrix.Best, i, j)),
            Alignment = Rows((i, j) => Score(matrix.Alignment, i, j)),
            Weights = analysis.UsesWeights ? Rows((i, j) => Score(matrix.Weights, i, j)) : null,
            PValues = Rows((i, j) => i == j ? null : verdicts[i, j]?.PValue),
            Log10P = Rows((i, j) => i == j ? null : verdicts[i, j]?.LogP / Math.Log(10)),
            Verdicts = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n)
                .Select(j => i == j ? null : verdicts[i, j]?.Verdict.ToString().ToLowerInvariant()).ToArray()).ToArray(),
            Failed = progress.Models.Where(s => s.Status == FingerprintStatus.Failed).Select(s => new FailedModel(s.Id, s.FailureReason)).ToList(),
            Skipped = progress.Skipped ?? [], TileFailures = progress.TileFailures ?? [], Repaired = progress.Repaired ?? [],
            Layers = layers.Count > 0 ? layers : null,
        });

        var parentOf = analysis.Lineage.ToDictionary(e => e.Model);
        OutputFiles.Write(directory, new FamiliesFile
        {
            Rule = $"average linkage: groups join while at least {FamilyClustering.JoinAt:P0} of the pairs between them are judged derived",
            LineageRule = "root: the largest, then most central member; parents: maximum spanning tree from the root over weight scores where valid, else the judged REEF score; checkpoint metadata (base_model, _name_or_path, reef_lineage.json) first where it names a member",
            Families = analysis.Families.Select(f => new FamilyEntry(f.Count, f.Select(i => ids[i]).ToList(),
                f.Select(i => new LineageEdge(ids[i], parentOf[i].Parent < 0 ? null : ids[parentOf[i].Parent], parentOf[i].Basis)).ToList())).ToList(),
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
