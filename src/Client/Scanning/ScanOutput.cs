using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Engine;
using Reef.Engine.Probes;
using Reef.Engine.Analysis;
using Reef.Engine.Families;
using Reef.Engine.Similarity;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>
/// A scan's files: <c>matrix.csv</c> (REEF-layer CKA, one row and column per model), <c>matrix.json</c> (ids,
/// every score, verdicts, failures, the run's metadata; per-pair layer matrices when asked) and
/// <c>families.json</c> (groups joined by "derived" verdicts).
/// </summary>
public static class ScanOutput
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="directory">Output folder.</param>
    /// <param name="progress">The scan's final progress (models, failures, timings).</param>
    /// <param name="analysis">Scores, calibrated verdicts, families and lineage of the fingerprinted models.</param>
    /// <param name="probes">The probe set.</param>
    /// <param name="kernel">The CKA kernel the scores used.</param>
    /// <param name="layers">Layer-by-layer matrices to keep.</param>
    public static void Write(string directory, ScanProgress progress, RegistryAnalysis analysis, ProbeSet probes, Kernel kernel,
        IReadOnlyList<(string A, string B, PairComparison C)>? layers)
    {
        Directory.CreateDirectory(directory);
        var ids = analysis.Models.Select(m => m.Id).ToList();
        var n = ids.Count;
        var scores = analysis.Scores;

        var csv = new StringBuilder("model," + string.Join(",", ids.Select(Quote)) + "\n");
        for (var i = 0; i < n; i++)
            csv.Append(Quote(ids[i])).Append(',')
                .AppendJoin(',', Enumerable.Range(0, n).Select(j => scores[i, j].Reef.ToString("F6", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(Path.Combine(directory, "matrix.csv"), csv.ToString());

        JsonArray Rows(Func<int, int, double?> value) => new(Enumerable.Range(0, n).Select(i => (JsonNode)new JsonArray(
            Enumerable.Range(0, n).Select(j => (JsonNode?)JsonValue.Create(value(i, j) is { } v ? Round(v) : null)).ToArray())).ToArray());
        var verdicts = analysis.Verdicts;
        var p = progress;
        var json = new JsonObject
        {
            ["scan"] = p.ScanId, ["hub"] = p.Hub, ["registry"] = p.Registry,
            ["started"] = p.Started, ["finished"] = p.Finished,
            ["probe_set"] = new JsonObject { ["name"] = probes.Name, ["hash"] = probes.Hash, ["statements"] = probes.Count },
            ["method"] = Engine.Fingerprints.Fingerprint.CurrentMethod, ["engine_version"] = EngineInfo.Version,
            ["kernel"] = kernel.ToString().ToLowerInvariant(), ["preprocessing"] = "standardized",
            ["verdict"] = verdicts.Describe(),
            ["extracted"] = p.Extracted, ["reused"] = p.Reused, ["failed_count"] = p.Failed,
            ["ids"] = new JsonArray(ids.Select(id => (JsonNode?)id).ToArray()),
            ["models"] = new JsonArray(p.Models.Select(s => (JsonNode?)new JsonObject
            {
                ["id"] = s.Id, ["status"] = s.Status.ToString().ToLowerInvariant(), ["fingerprint"] = s.FingerprintKey, ["reused"] = s.Reused,
                ["silo"] = s.Silo, ["reason"] = s.FailureReason,
            }).ToArray()),
            ["reef_layer"] = Rows((i, j) => scores[i, j].Reef), ["best_pair"] = Rows((i, j) => scores[i, j].Best),
            ["alignment"] = Rows((i, j) => scores[i, j].Alignment),
            ["weights"] = analysis.Weights is { } w ? Rows((i, j) => w[i, j]) : null,
            ["p_values"] = Rows((i, j) => i == j ? null : verdicts[i, j]?.PValue),
            // The same in log10: far in the tail a p-value underflows a double.
            ["log10_p"] = Rows((i, j) => i == j ? null : verdicts[i, j]?.LogP / Math.Log(10)),
            ["verdicts"] = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, n)
                .Select(j => (JsonNode?)(i == j ? null : verdicts[i, j]?.Verdict.ToString().ToLowerInvariant())).ToArray())).ToArray()),
            ["failed"] = new JsonArray(p.Models.Where(s => s.Status == FingerprintStatus.Failed)
                .Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["reason"] = s.FailureReason }).ToArray()),
        };
        if (layers is { Count: > 0 })
            json["layers"] = new JsonArray(layers.Select(l => (JsonNode?)new JsonObject
            {
                ["a"] = l.A, ["b"] = l.B, ["reef_layer"] = new JsonArray(l.C.ReefLayerA, l.C.ReefLayerB),
                ["matrix"] = new JsonArray(Enumerable.Range(0, l.C.LayersA).Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, l.C.LayersB)
                    .Select(j => (JsonNode?)JsonValue.Create(Round(l.C.Matrix[i * l.C.LayersB + j]))).ToArray())).ToArray()),
            }).ToArray());
        File.WriteAllText(Path.Combine(directory, "matrix.json"), json.ToJsonString(Indented));

        var parentOf = analysis.Lineage.ToDictionary(e => e.Model);
        var familiesJson = new JsonArray(analysis.Families.Select(f => (JsonNode?)new JsonObject
        {
            ["size"] = f.Count, ["members"] = new JsonArray(f.Select(i => (JsonNode?)ids[i]).ToArray()),
            ["lineage"] = new JsonArray(f.Select(i => (JsonNode?)new JsonObject
            {
                ["model"] = ids[i], ["parent"] = parentOf[i].Parent < 0 ? null : ids[parentOf[i].Parent], ["basis"] = parentOf[i].Basis,
            }).ToArray()),
        }).ToArray());
        File.WriteAllText(Path.Combine(directory, "families.json"), new JsonObject
        {
            ["rule"] = $"average linkage: groups join while at least {FamilyClustering.JoinAt:P0} of the pairs between them are judged derived",
            ["lineage_rule"] = "root: the largest, then most central member; parents: maximum spanning tree from the root over weight scores where valid, else the judged REEF score; checkpoint metadata (base_model, _name_or_path, reef_lineage.json) first where it names a member",
            ["families"] = familiesJson,
        }.ToJsonString(Indented));
    }

    /// <summary>Rounded for the file; null where there is no finite value (no score, or the log p-value of identical weights, −∞).</summary>
    static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 9) : null;

    static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
