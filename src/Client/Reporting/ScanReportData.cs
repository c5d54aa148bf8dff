using Reef.Client.Outputs;
using Reef.Engine;
using Reef.Engine.Analysis.Evaluation;

namespace Reef.Client.Reporting;

/// <summary>
/// What a scan wrote, read back from its folder (matrix.json, families.json and eval.json, through their records), for
/// the report. Reading the files rather than the cluster lets `reef report` run anywhere the folder is, long after the scan.
/// </summary>
public sealed class ScanReportData
{
    public required string Directory { get; init; }
    /// <summary>matrix.json: the run's metadata, scores and verdicts.</summary>
    public required MatrixFile Run { get; init; }
    public required IReadOnlyList<string> Ids { get; init; }
    /// <summary>REEF-layer CKA, NaN where a pair has none.</summary>
    public required double[][] Reef { get; init; }
    public IReadOnlyList<ModelEntry> Models => Run.Models;
    /// <summary>Members of each family, as indices into <see cref="Ids"/>.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Families { get; init; }
    public IReadOnlyList<LayerPair> Layers => Run.Layers ?? [];
    /// <summary>Each model's proposed parent (null for a root) and what it rests on, from families.json.</summary>
    public required IReadOnlyDictionary<string, (string? Parent, string Basis)> Lineage { get; init; }
    /// <summary>eval.json, when `reef eval` wrote the folder.</summary>
    public EvaluationReport? Evaluation { get; init; }

    public double Score(int i, int j) => Reef[i][j];

    public string? Verdict(int i, int j) => Run.Verdicts[i][j];

    /// <summary>log10 of the pair's calibrated p-value (the estimated false-positive rate of "derived"); null where none.</summary>
    public double? Log10P(int i, int j) => Run.Log10P[i][j];

    public static ScanReportData Read(string directory)
    {
        var matrix = OutputFiles.ReadMatrix(directory);
        var matrixPath = Path.Combine(directory, OutputFiles.Matrix);
        var n = matrix.Ids.Count;
        foreach (var (name, rows) in new[] { ("reef_layer", matrix.ReefLayer.Length), ("verdicts", matrix.Verdicts.Length), ("log10_p", matrix.Log10P.Length) })
            if (rows != n) throw new InvalidInputException(matrixPath, $"'{name}' has {rows} rows for {n} ids");
        if (matrix.ReefLayer.Select(r => r.Length).Concat(matrix.Verdicts.Select(r => r.Length)).Concat(matrix.Log10P.Select(r => r.Length)).Any(l => l != n))
            throw new InvalidInputException(matrixPath, $"a matrix row does not have {n} values");
        var index = matrix.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);

        var families = OutputFiles.ReadFamilies(directory);
        var familiesPath = Path.Combine(directory, OutputFiles.Families);
        var lineage = new Dictionary<string, (string?, string)>();
        foreach (var edge in families.Families.SelectMany(f => f.Lineage)) lineage[edge.Model] = (edge.Parent, edge.Basis);
        return new ScanReportData
        {
            Directory = directory, Run = matrix, Ids = matrix.Ids,
            Reef = matrix.ReefLayer.Select(r => r.Select(v => v ?? double.NaN).ToArray()).ToArray(),
            Families = families.Families.Select(f => (IReadOnlyList<int>)f.Members.Select(m =>
                index.TryGetValue(m, out var i) ? i : throw new InvalidInputException(familiesPath, $"member '{m}' is not in matrix.json")).ToList()).ToList(),
            Lineage = lineage, Evaluation = OutputFiles.TryReadEvaluation(directory),
        };
    }
}
