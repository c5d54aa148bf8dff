using System.Text.Json.Serialization;

namespace Reef.Client.Outputs;

/// <summary>families.json: the derivation families of a scan, each with its proposed lineage, and the rules behind them.</summary>
public sealed record FamiliesFile
{
    /// <summary>The file's layout; a file written before layouts were stated has none and reads as 1. Writers set it.</summary>
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = 1;
    [JsonPropertyName("rule")] public required string Rule { get; init; }
    [JsonPropertyName("lineage_rule")] public required string LineageRule { get; init; }
    /// <summary>Largest first; a model on its own is a family of one.</summary>
    [JsonPropertyName("families")] public required IReadOnlyList<FamilyEntry> Families { get; init; }
}

public sealed record FamilyEntry(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("members")] IReadOnlyList<string> Members,
    [property: JsonPropertyName("lineage")] IReadOnlyList<LineageEdge> Lineage);

/// <summary>
/// An edge of the provenance graph: a model's proposed parent (null for the family's root; a merge has one edge per parent)
/// and what it rests on: metadata, scores, or root. Files before format 3 have the first three fields only.
/// </summary>
public sealed record LineageEdge(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("parent")] string? Parent,
    [property: JsonPropertyName("basis")] string Basis)
{
    /// <summary>fine_tune, quantization, unstructured_prune, structured_prune, merge, reparameterization, depth_or_width_change or other; null for a root.</summary>
    [JsonPropertyName("kind")] public string? Kind { get; init; }
    /// <summary>For a structured prune or a size change: layers, ffn, heads or hidden.</summary>
    [JsonPropertyName("unit")] public string? Unit { get; init; }
    /// <summary>For a merge: this parent's estimated mixing weight.</summary>
    [JsonPropertyName("mix_weight")] public double? MixWeight { get; init; }
    /// <summary>0–1: how sure the edge is (a ranking aid, not a calibrated probability).</summary>
    [JsonPropertyName("confidence")] public double? Confidence { get; init; }
    /// <summary>What in the weights or metadata says so.</summary>
    [JsonPropertyName("evidence")] public string? Evidence { get; init; }

    /// <summary>An edge kind as the files name it: snake_case, as eval.json names it.</summary>
    public static string KindName(Engine.Analysis.Lineage.EdgeKind kind) => Engine.Analysis.Evaluation.EdgeTypeEvaluation.Name(kind);
}
