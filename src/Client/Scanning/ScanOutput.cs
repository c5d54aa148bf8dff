using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Engine;
using Reef.Engine.Probes;
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

    public static void Write(string directory, ScanResult result, ProbeSet probes, IReadOnlyList<(string A, string B, PairComparison C)>? layers)
    {
        Directory.CreateDirectory(directory);
        var m = result.Matrix;
        var n = m.Ids.Count;
        var thresholds = VerdictThresholds.Default;

        var csv = new StringBuilder("model," + string.Join(",", m.Ids.Select(Quote)) + "\n");
        for (var i = 0; i < n; i++)
            csv.Append(Quote(m.Ids[i])).Append(',')
                .AppendJoin(',', Enumerable.Range(0, n).Select(j => m.At(m.Reef, i, j).ToString("F6", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(Path.Combine(directory, "matrix.csv"), csv.ToString());

        JsonArray Rows(double[] scores) => new(Enumerable.Range(0, n).Select(i => (JsonNode)new JsonArray(
            Enumerable.Range(0, n).Select(j => (JsonNode?)JsonValue.Create(Round(m.At(scores, i, j)))).ToArray())).ToArray());
        var p = result.Progress;
        var json = new JsonObject
        {
            ["scan"] = p.ScanId, ["hub"] = p.Hub, ["registry"] = p.Registry,
            ["started"] = p.Started, ["finished"] = p.Finished,
            ["probe_set"] = new JsonObject { ["name"] = probes.Name, ["hash"] = probes.Hash, ["statements"] = probes.Count },
            ["method"] = Engine.Fingerprints.Fingerprint.CurrentMethod, ["engine_version"] = EngineInfo.Version,
            ["kernel"] = "linear", ["preprocessing"] = "standardized",
            ["verdict"] = new JsonObject { ["score"] = "reef_layer", ["derived_at_least"] = thresholds.Derived, ["unrelated_below"] = thresholds.Unrelated },
            ["extracted"] = p.Extracted, ["reused"] = p.Reused, ["failed_count"] = p.Failed,
            ["ids"] = new JsonArray(m.Ids.Select(id => (JsonNode?)id).ToArray()),
            ["models"] = new JsonArray(p.Models.Select(s => (JsonNode?)new JsonObject
            {
                ["id"] = s.Id, ["status"] = s.Status.ToString().ToLowerInvariant(), ["fingerprint"] = s.FingerprintKey, ["reused"] = s.Reused,
                ["silo"] = s.Silo, ["reason"] = s.FailureReason,
            }).ToArray()),
            ["reef_layer"] = Rows(m.Reef), ["best_pair"] = Rows(m.Best), ["alignment"] = Rows(m.Alignment),
            ["verdicts"] = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, n)
                .Select(j => (JsonNode?)Verdict(m.At(m.Reef, i, j))).ToArray())).ToArray()),
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

        var families = Families.Group(n, (i, j) => thresholds.Judge(m.At(m.Reef, i, j)) == Engine.Similarity.Verdict.Derived);
        var familiesJson = new JsonArray(families.Select(f => (JsonNode?)new JsonObject
        {
            ["size"] = f.Count, ["members"] = new JsonArray(f.Select(i => (JsonNode?)m.Ids[i]).ToArray()),
        }).ToArray());
        File.WriteAllText(Path.Combine(directory, "families.json"), new JsonObject
        {
            ["rule"] = "connected components of pairs judged derived (REEF-layer CKA >= " + thresholds.Derived.ToString(CultureInfo.InvariantCulture) + ")",
            ["families"] = familiesJson,
        }.ToJsonString(Indented));
    }

    /// <summary>The verdict word of a score, or null where the pair has no score.</summary>
    public static string? Verdict(double reef) => double.IsNaN(reef) ? null : VerdictThresholds.Default.Judge(reef).ToString().ToLowerInvariant();

    static double? Round(double v) => double.IsNaN(v) ? null : Math.Round(v, 9);

    static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
