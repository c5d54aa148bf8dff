using System.Text.Json.Nodes;
using Reef.Engine;

namespace Reef.Client.Reporting;

/// <summary>One pair's layer-by-layer CKA, as matrix.json keeps it for the top suspects.</summary>
public sealed record LayerPair(string A, string B, double[][] Matrix);

/// <summary>
/// What a scan wrote, read back from its folder (matrix.json and families.json), for the report. Reading the
/// files rather than the cluster lets `reef report` run anywhere the folder is, long after the scan.
/// </summary>
public sealed class ScanReportData
{
    public required string Directory { get; init; }
    public required JsonObject Run { get; init; }
    public required IReadOnlyList<string> Ids { get; init; }
    public required double[][] Reef { get; init; }
    public required string?[][] Verdicts { get; init; }
    public required IReadOnlyList<(string Id, string Status, string? Reason)> Models { get; init; }
    public required IReadOnlyList<IReadOnlyList<int>> Families { get; init; }
    public required IReadOnlyList<LayerPair> Layers { get; init; }
    /// <summary>log10 of each pair's calibrated p-value (the estimated false-positive rate of "derived"); null where none.</summary>
    public required double?[][] Log10P { get; init; }
    /// <summary>Each model's proposed parent (null for a root) and what it rests on, from families.json.</summary>
    public required IReadOnlyDictionary<string, (string? Parent, string Basis)> Lineage { get; init; }
    /// <summary>eval.json, when `reef eval` wrote the folder.</summary>
    public JsonObject? Evaluation { get; init; }

    public double Score(int i, int j) => Reef[i][j];

    public static ScanReportData Read(string directory)
    {
        var matrixPath = Path.Combine(directory, "matrix.json");
        var familiesPath = Path.Combine(directory, "families.json");
        var json = Parse(matrixPath);
        var ids = Array(json, "ids", matrixPath).Select(n => n!.GetValue<string>()).ToList();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var reef = Matrix(Array(json, "reef_layer", matrixPath), ids.Count, matrixPath);
        var verdicts = Array(json, "verdicts", matrixPath).Select(r => r!.AsArray().Select(v => v?.GetValue<string>()).ToArray()).ToArray();
        if (verdicts.Length != ids.Count || verdicts.Any(r => r.Length != ids.Count))
            throw new InvalidInputException(matrixPath, $"'verdicts' is not {ids.Count}×{ids.Count}");
        var models = Array(json, "models", matrixPath).Select(m => (m!["id"]!.GetValue<string>(), m["status"]!.GetValue<string>(), m["reason"]?.GetValue<string>())).ToList();
        var layers = (json["layers"] as JsonArray ?? []).Select(l => new LayerPair(l!["a"]!.GetValue<string>(), l["b"]!.GetValue<string>(),
            l["matrix"]!.AsArray().Select(r => r!.AsArray().Select(v => v?.GetValue<double>() ?? double.NaN).ToArray()).ToArray())).ToList();

        var familiesJson = Parse(familiesPath);
        var families = Array(familiesJson, "families", familiesPath).Select(f => (IReadOnlyList<int>)f!["members"]!.AsArray().Select(m =>
            index.TryGetValue(m!.GetValue<string>(), out var i) ? i : throw new InvalidInputException(familiesPath, $"member '{m}' is not in matrix.json"))
            .ToList()).ToList();

        var log10P = json["log10_p"] is JsonArray p
            ? p.Select(r => r!.AsArray().Select(v => v?.GetValue<double>()).ToArray()).ToArray()
            : ids.Select(_ => new double?[ids.Count]).ToArray();
        var lineage = new Dictionary<string, (string?, string)>();
        foreach (var f in Array(familiesJson, "families", familiesPath))
            foreach (var edge in f!["lineage"] as JsonArray ?? [])
                lineage[edge!["model"]!.GetValue<string>()] = (edge["parent"]?.GetValue<string>(), edge["basis"]?.GetValue<string>() ?? "");
        var evalPath = Path.Combine(directory, "eval.json");

        return new ScanReportData
        {
            Directory = directory, Run = json, Ids = ids, Reef = reef, Verdicts = verdicts, Models = models, Families = families, Layers = layers,
            Log10P = log10P, Lineage = lineage, Evaluation = File.Exists(evalPath) ? Parse(evalPath) : null,
        };
    }

    static JsonObject Parse(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "not found; `reef scan --out DIR` writes it");
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidInputException(path, "is not a JSON object"); }
        catch (System.Text.Json.JsonException e) { throw new InvalidInputException(path, $"not valid JSON ({e.Message})"); }
    }

    static JsonArray Array(JsonObject json, string name, string path) =>
        json[name] as JsonArray ?? throw new InvalidInputException(path, $"has no '{name}' array");

    static double[][] Matrix(JsonArray rows, int n, string path)
    {
        if (rows.Count != n) throw new InvalidInputException(path, $"score matrix has {rows.Count} rows for {n} ids");
        return rows.Select(r =>
        {
            var row = r!.AsArray().Select(v => v?.GetValue<double>() ?? double.NaN).ToArray();
            return row.Length == n ? row : throw new InvalidInputException(path, $"a score row has {row.Length} values for {n} ids");
        }).ToArray();
    }
}
