using System.Text.Json.Serialization;
using Reef.Engine.Analysis;
using Reef.Grains.Abstractions;

namespace Reef.Client.Outputs;

/// <summary>One row of models.parquet: a model the scan found, what its checkpoint said of itself, and where the analysis put it.</summary>
public sealed class ModelRow
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>pending, hashing, extracting, done or failed.</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; set; }
    [JsonPropertyName("reused")] public bool Reused { get; set; }
    [JsonPropertyName("silo")] public string? Silo { get; set; }
    [JsonPropertyName("architecture")] public string? Architecture { get; set; }
    [JsonPropertyName("layers")] public int? Layers { get; set; }
    [JsonPropertyName("hidden_size")] public int? HiddenSize { get; set; }
    [JsonPropertyName("parameters")] public long? Parameters { get; set; }
    /// <summary>The model's family: its index in families.json (largest first); null for a model not fingerprinted.</summary>
    [JsonPropertyName("family")] public int? Family { get; set; }
    /// <summary>The proposed parent (null for a family's root or a model not fingerprinted); for a merge, the parent of the largest weight.</summary>
    [JsonPropertyName("parent")] public string? Parent { get; set; }
    /// <summary>What the proposed parent rests on: metadata, scores, or root.</summary>
    [JsonPropertyName("lineage_basis")] public string? LineageBasis { get; set; }
    /// <summary>How the model was made from its parent (families.json's edge kinds); null for a root.</summary>
    [JsonPropertyName("edge_kind")] public string? EdgeKind { get; set; }
    /// <summary>For a merge: every parent, joined by " + " (families.json has each edge).</summary>
    [JsonPropertyName("merge_parents")] public string? MergeParents { get; set; }
    [JsonPropertyName("failure_kind")] public string? FailureKind { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }
    /// <summary>Why the model has no weight signature, where it has none.</summary>
    [JsonPropertyName("no_weight_signature")] public string? NoWeightSignature { get; set; }
}

/// <summary>models.parquet: every model the scan found, one row each, with its family and proposed parent.</summary>
public static class ModelsTable
{
    public const string File = "models.parquet";

    public static void Write(string directory, ScanProgress progress, RegistryModels registry, RegistryAnalysis analysis)
    {
        var index = new Dictionary<string, int>();
        for (var i = 0; i < analysis.Models.Count; i++) index[analysis.Models[i].Id] = i;
        var family = new int[analysis.Models.Count];
        for (var f = 0; f < analysis.Families.Count; f++)
            foreach (var member in analysis.Families[f]) family[member] = f;
        var edgesOf = analysis.Lineage.ToLookup(e => e.Model);
        var facts = new Dictionary<string, ModelFacts?>();
        for (var i = 0; i < registry.Ids.Count; i++) facts[registry.Ids[i]] = registry.Facts[i];
        ParquetTables.Write(Path.Combine(directory, File), progress.Models.Select(s =>
        {
            var f = facts.GetValueOrDefault(s.Id);
            int? at = index.TryGetValue(s.Id, out var i) ? i : null;
            var edges = at is { } m ? edgesOf[m].OrderByDescending(e => e.MixWeight ?? 1).ToList() : [];
            var edge = edges.FirstOrDefault();
            return new ModelRow
            {
                Id = s.Id, Status = s.Status.ToString().ToLowerInvariant(), Fingerprint = s.FingerprintKey, Reused = s.Reused, Silo = s.Silo,
                Architecture = f?.Architecture, Layers = f?.Layers, HiddenSize = f?.HiddenSize, Parameters = f?.Parameters,
                Family = at is { } k ? family[k] : null,
                Parent = edge is { Parent: >= 0 } ? analysis.Models[edge.Parent].Id : null, LineageBasis = edge?.Basis,
                EdgeKind = edge?.Kind is { } kind ? LineageEdge.KindName(kind) : null,
                MergeParents = edges.Count > 1 ? string.Join(" + ", edges.Select(e => analysis.Models[e.Parent].Id)) : null,
                FailureKind = s.FailureKind, Reason = s.FailureReason, NoWeightSignature = f?.NoWeightSignature,
            };
        }));
    }

    public static IList<ModelRow> Read(string directory) => ParquetTables.Read<ModelRow>(Path.Combine(directory, File));
}
