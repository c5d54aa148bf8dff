using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reef.Engine.Hubs;

/// <summary>
/// A hub's known lineage, <c>lineage.json</c> at its root: for each model id its family, parent, op, parameters and
/// strength (light or heavy). The zoo writes one; <c>reef eval</c> holds a scan's verdicts, families and lineage
/// against it.
/// </summary>
public static class GroundTruth
{
    /// <summary>The file at the hub's root.</summary>
    public const string FileName = "lineage.json";

    /// <summary>Reads the ground truth of a hub.</summary>
    public static IReadOnlyList<GroundTruthModel> ReadHub(string hub) => Read(Path.Combine(hub, FileName));

    /// <summary>Reads a ground-truth file in lineage.json's format.</summary>
    public static IReadOnlyList<GroundTruthModel> Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "ground-truth file not found (a zoo hub has lineage.json at its root)");
        JsonObject models;
        try
        {
            models = JsonNode.Parse(InputFiles.ReadAllBytes(path, "ground truth", InputLimits.Default.MaxMetadataBytes))?["models"] as JsonObject ?? throw new InvalidInputException(path, "has no 'models' object");
        }
        catch (JsonException e) { throw new InvalidInputException(path, $"not valid JSON ({e.Message})"); }
        return models.Select(kv =>
        {
            try
            {
                var m = kv.Value!;
                return new GroundTruthModel(kv.Key, m["family"]!.GetValue<string>(), m["parent"]?.GetValue<string>(), m["op"]!.GetValue<string>(),
                    Enum.Parse<Strength>(m["strength"]!.GetValue<string>(), ignoreCase: true),
                    (m["parameters"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => p.Value!.ToString()),
                    m["second_parent"]?.GetValue<string>());
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or FormatException)
            {
                throw new InvalidInputException(path, $"model '{kv.Key}' needs family, op and strength (source, light or heavy) ({e.Message})");
            }
        }).ToList();
    }
}
