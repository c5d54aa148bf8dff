using Reef.Client.Outputs;
using Reef.Engine;
using Reef.Engine.Analysis.Evaluation;

namespace Reef.Client.Reporting;

/// <summary>One verified pair as the report shows it: model indices (A &lt; B), REEF-layer CKA, verdict and log10 p.</summary>
public readonly record struct ReportPair(int A, int B, double Reef, string? Verdict, double? Log10P);

/// <summary>
/// What a scan wrote, read back from its folder (matrix.json, families.json, pairs.parquet and eval.json, through their
/// records), for the report. Reading the files rather than the cluster lets `reef report` run anywhere the folder is,
/// long after the scan. Pairs are kept sparse — the verified ones, each model's partners beside it — so a hub of any size
/// fits; a folder written before pairs.parquet existed (format 1) gives its pairs from matrix.json's dense views.
/// </summary>
public sealed class ScanReportData
{
    public required string Directory { get; init; }
    /// <summary>matrix.json: the run's metadata, models and failures (and, for a small hub, its N × N views).</summary>
    public required MatrixFile Run { get; init; }
    public required IReadOnlyList<string> Ids { get; init; }
    public IReadOnlyList<ModelEntry> Models => Run.Models;
    /// <summary>Members of each family, as indices into <see cref="Ids"/>.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Families { get; init; }
    public IReadOnlyList<LayerPair> Layers => Run.Layers ?? [];
    /// <summary>Each model's lineage edges from families.json: one with no parent for a root, one per parent otherwise (a merge has several).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<LineageEdge>> Lineage { get; init; }
    /// <summary>eval.json, when `reef eval` wrote the folder.</summary>
    public EvaluationReport? Evaluation { get; init; }
    /// <summary>Every verified pair.</summary>
    public required IReadOnlyList<ReportPair> Pairs { get; init; }
    /// <summary>Whether the scan wrote its N × N views: the report draws the whole registry as one heatmap only then.</summary>
    public bool Dense => Run.ReefLayer != null;

    Dictionary<(int, int), int> _index = new();
    List<int>[] _partners = [];

    /// <summary>REEF-layer CKA of two models: 1 for a model with itself, NaN for a pair not verified.</summary>
    public double Score(int i, int j) => i == j ? 1 : Pair(i, j)?.Reef ?? double.NaN;

    public string? Verdict(int i, int j) => Pair(i, j)?.Verdict;

    /// <summary>log10 of the pair's calibrated p-value (the estimated false-positive rate of "derived"); null where none.</summary>
    public double? Log10P(int i, int j) => Pair(i, j)?.Log10P;

    /// <summary>The models verified against <paramref name="i"/>.</summary>
    public IReadOnlyList<int> Partners(int i) => _partners[i];

    ReportPair? Pair(int i, int j) => _index.TryGetValue(i < j ? (i, j) : (j, i), out var at) ? Pairs[at] : null;

    public static ScanReportData Read(string directory)
    {
        var matrix = OutputFiles.ReadMatrix(directory);
        var index = new Dictionary<string, int>();
        for (var i = 0; i < matrix.Ids.Count; i++) index[matrix.Ids[i]] = i;
        var pairs = matrix.FormatVersion >= 2 ? PairsFromTable(directory, index) : PairsFromDenseViews(directory, matrix);

        var families = OutputFiles.ReadFamilies(directory);
        var familiesPath = Path.Combine(directory, OutputFiles.Families);
        var lineage = families.Families.SelectMany(f => f.Lineage).GroupBy(e => e.Model)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LineageEdge>)g.ToList());
        var data = new ScanReportData
        {
            Directory = directory, Run = matrix, Ids = matrix.Ids, Pairs = pairs,
            Families = families.Families.Select(f => (IReadOnlyList<int>)f.Members.Select(m =>
                index.TryGetValue(m, out var i) ? i : throw new InvalidInputException(familiesPath, $"member '{m}' is not in matrix.json")).ToList()).ToList(),
            Lineage = lineage, Evaluation = OutputFiles.TryReadEvaluation(directory),
        };
        data._partners = Enumerable.Range(0, matrix.Ids.Count).Select(_ => new List<int>()).ToArray();
        for (var k = 0; k < pairs.Count; k++)
        {
            data._index[(pairs[k].A, pairs[k].B)] = k;
            data._partners[pairs[k].A].Add(pairs[k].B);
            data._partners[pairs[k].B].Add(pairs[k].A);
        }
        return data;
    }

    static List<ReportPair> PairsFromTable(string directory, IReadOnlyDictionary<string, int> index)
    {
        var path = Path.Combine(directory, PairsTable.File);
        int At(string id) => index.TryGetValue(id, out var i) ? i : throw new InvalidInputException(path, $"model '{id}' is not in matrix.json");
        return PairsTable.Read(directory).Select(r => (A: At(r.A), B: At(r.B), r))
            .Select(p => new ReportPair(Math.Min(p.A, p.B), Math.Max(p.A, p.B), p.r.ReefLayer, p.r.Verdict, p.r.Log10P)).ToList();
    }

    static List<ReportPair> PairsFromDenseViews(string directory, MatrixFile matrix)
    {
        var path = Path.Combine(directory, OutputFiles.Matrix);
        var n = matrix.Ids.Count;
        if (matrix.ReefLayer is not { } reef || matrix.Verdicts is not { } verdicts || matrix.Log10P is not { } log10P)
            throw new InvalidInputException(path, "format version 1 without its matrices: the file is incomplete");
        foreach (var (name, rows) in new[] { ("reef_layer", reef.Length), ("verdicts", verdicts.Length), ("log10_p", log10P.Length) })
            if (rows != n) throw new InvalidInputException(path, $"'{name}' has {rows} rows for {n} ids");
        if (reef.Select(r => r.Length).Concat(verdicts.Select(r => r.Length)).Concat(log10P.Select(r => r.Length)).Any(l => l != n))
            throw new InvalidInputException(path, $"a matrix row does not have {n} values");
        var pairs = new List<ReportPair>();
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
            if (reef[i][j] is { } score) pairs.Add(new ReportPair(i, j, score, verdicts[i][j], log10P[i][j]));
        return pairs;
    }
}
