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

/// <summary>A model's proposed parent (null for the family's root) and what it rests on: metadata, scores, or root.</summary>
public sealed record LineageEdge(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("parent")] string? Parent,
    [property: JsonPropertyName("basis")] string Basis);
