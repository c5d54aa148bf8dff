using System.Text.Json.Serialization;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Probes;

namespace Reef.Client.Outputs;

/// <summary>
/// matrix.json: a scan's metadata, models and failures, and — for a hub of up to <see cref="DenseViewsUpTo"/> models — its
/// N × N views of every score and verdict. Matrices are row-major over <see cref="Ids"/> (the fingerprinted models), null
/// where there is no value; above the limit they are absent and pairs.parquet holds every verified pair. Written and read
/// back through these records only (<see cref="OutputFiles"/>).
/// </summary>
public sealed record MatrixFile
{
    /// <summary>The file's layout; a file written before layouts were stated has none and reads as 1. Writers set it.</summary>
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = 1;
    [JsonPropertyName("scan")] public required string Scan { get; init; }
    [JsonPropertyName("hub")] public required string Hub { get; init; }
    [JsonPropertyName("registry")] public required string Registry { get; init; }
    [JsonPropertyName("started")] public DateTimeOffset? Started { get; init; }
    [JsonPropertyName("finished")] public DateTimeOffset? Finished { get; init; }
    [JsonPropertyName("probe_set")] public required ProbeSetSummary ProbeSet { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("engine_version")] public required string EngineVersion { get; init; }
    [JsonPropertyName("kernel")] public required string Kernel { get; init; }
    [JsonPropertyName("preprocessing")] public required string Preprocessing { get; init; }
    [JsonPropertyName("verdict")] public required VerdictRule Verdict { get; init; }
    [JsonPropertyName("extracted")] public required int Extracted { get; init; }
    [JsonPropertyName("reused")] public required int Reused { get; init; }
    [JsonPropertyName("failed_count")] public required int FailedCount { get; init; }
    /// <summary>The fingerprinted models, in matrix order.</summary>
    [JsonPropertyName("ids")] public required IReadOnlyList<string> Ids { get; init; }
    /// <summary>How the registry chose its pairs: all, or candidates (<c>--pairs</c>); null in files written before it was stated.</summary>
    [JsonPropertyName("pairs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Pairs { get; init; }
    /// <summary>Pairs verified (rows of pairs.parquet).</summary>
    [JsonPropertyName("pairs_verified"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? PairsVerified { get; init; }
    /// <summary>The largest hub whose N × N views this scan would write: above it, the matrices below are absent.</summary>
    [JsonPropertyName("dense_views_up_to"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? DenseViewsUpTo { get; init; }
    /// <summary>Every model the scan found, fingerprinted or not.</summary>
    [JsonPropertyName("models")] public required IReadOnlyList<ModelEntry> Models { get; init; }
    /// <summary>Linear (or the run's kernel) CKA at REEF's relative-depth layer.</summary>
    [JsonPropertyName("reef_layer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double?[][]? ReefLayer { get; init; }
    [JsonPropertyName("best_pair"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double?[][]? BestPair { get; init; }
    /// <summary>Mean CKA along the monotone layer alignment.</summary>
    [JsonPropertyName("alignment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double?[][]? Alignment { get; init; }
    /// <summary>Weight-signature scores; null as a whole when the run left the weights out.</summary>
    [JsonPropertyName("weights")] public double?[][]? Weights { get; init; }
    /// <summary>Each pair's calibrated p-value: the estimated false-positive rate of "derived".</summary>
    [JsonPropertyName("p_values"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double?[][]? PValues { get; init; }
    /// <summary>The same in log10: far in the tail a p-value underflows a double.</summary>
    [JsonPropertyName("log10_p"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double?[][]? Log10P { get; init; }
    [JsonPropertyName("verdicts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string?[][]? Verdicts { get; init; }
    [JsonPropertyName("failed")] public required IReadOnlyList<FailedModel> Failed { get; init; }
    /// <summary>What listing the hub passed over, and why ("PATH: a link loop back to …").</summary>
    [JsonPropertyName("skipped")] public IReadOnlyList<string> Skipped { get; init; } = [];
    /// <summary>Tiles of the registry matrix that failed, with why: their pairs have no scores (null in the matrices).</summary>
    [JsonPropertyName("tile_failures")] public IReadOnlyList<string> TileFailures { get; init; } = [];
    /// <summary>What was found corrupt or unusable in the store, deleted and made again in this scan.</summary>
    [JsonPropertyName("repaired")] public IReadOnlyList<string> Repaired { get; init; } = [];
    /// <summary>Layer-by-layer CKA of the pairs the scan kept (the top suspects', or every pair's with --layers).</summary>
    [JsonPropertyName("layers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LayerPair>? Layers { get; init; }
}

/// <summary>One model the scan found: its status, its fingerprint, and what its checkpoint said of itself.</summary>
public sealed record ModelEntry
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    /// <summary>pending, hashing, extracting, done or failed.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; init; }
    [JsonPropertyName("reused")] public bool Reused { get; init; }
    [JsonPropertyName("silo")] public string? Silo { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    /// <summary>The failure's kind: the model's own (invalid_weights, …) or the infrastructure's (store_unavailable, …), which a rescan retries.</summary>
    [JsonPropertyName("failure_kind")] public string? FailureKind { get; init; }
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("layers")] public int? Layers { get; init; }
    [JsonPropertyName("hidden_size")] public int? HiddenSize { get; init; }
    [JsonPropertyName("parameters")] public long? Parameters { get; init; }
    /// <summary>Parent names the checkpoint gives (model card, config, reef_lineage.json).</summary>
    [JsonPropertyName("parent_hints")] public IReadOnlyList<string>? ParentHints { get; init; }
    /// <summary>Why the model has no weight signature, where it has none.</summary>
    [JsonPropertyName("no_weight_signature")] public string? NoWeightSignature { get; init; }
}

public sealed record FailedModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("reason")] string? Reason);

/// <summary>One pair's layer-by-layer CKA; <see cref="ReefLayer"/> is the paper's layer pair (A's layer, B's layer).</summary>
public sealed record LayerPair(
    [property: JsonPropertyName("a")] string A,
    [property: JsonPropertyName("b")] string B,
    [property: JsonPropertyName("reef_layer")] IReadOnlyList<int> ReefLayer,
    [property: JsonPropertyName("matrix")] double?[][] Matrix);
