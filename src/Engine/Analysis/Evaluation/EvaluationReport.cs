using System.Text.Json.Serialization;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Probes;

namespace Reef.Engine.Analysis.Evaluation;

/// <summary>
/// eval.json: a registry's analysis held against ground truth. Written and read back through these records alone
/// (the report and the tests read it the same way); <see cref="FormatVersion"/> says which layout a file has.
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>The layout this engine writes and reads. 2: the lineage is a DAG (a merge is right with all its parents) with typed edges.</summary>
    public const int CurrentFormatVersion = 2;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("run")] public required EvaluationRun Run { get; init; }
    /// <summary>Models both in the registry and in the truth.</summary>
    [JsonPropertyName("models")] public required int Models { get; init; }
    [JsonPropertyName("missing_from_registry")] public required IReadOnlyList<string> MissingFromRegistry { get; init; }
    [JsonPropertyName("pairs")] public required PairCounts Pairs { get; init; }
    [JsonPropertyName("verdict_rule")] public required VerdictRule VerdictRule { get; init; }
    /// <summary>Separation of derived from unrelated pairs, light and heavy derivatives apart.</summary>
    [JsonPropertyName("separation")] public required SeparationByStrength Separation { get; init; }
    [JsonPropertyName("by_op")] public required IReadOnlyList<OpSeparation> ByOp { get; init; }
    /// <summary>Verdicts (columns) by truth (rows).</summary>
    [JsonPropertyName("confusion")] public required Confusion Confusion { get; init; }
    [JsonPropertyName("derived_light_verdicts")] public required VerdictCounts DerivedLightVerdicts { get; init; }
    [JsonPropertyName("derived_heavy_verdicts")] public required VerdictCounts DerivedHeavyVerdicts { get; init; }
    /// <summary>Of the truly unrelated pairs, how many have a p-value at or below each level.</summary>
    [JsonPropertyName("calibration")] public required IReadOnlyList<CalibrationCheck> Calibration { get; init; }
    /// <summary>Sources trained on the same corpus with other seeds: the hardest unrelated pairs.</summary>
    [JsonPropertyName("same_data_other_seed")] public required IReadOnlyList<PairVerdict> SameDataOtherSeed { get; init; }
    [JsonPropertyName("families")] public required FamilyAgreement Families { get; init; }
    /// <summary>Parent edges, checkpoint metadata used where it names a member.</summary>
    [JsonPropertyName("lineage")] public required LineageAccuracy Lineage { get; init; }
    [JsonPropertyName("lineage_scores_only")] public required LineageAccuracy LineageScoresOnly { get; init; }
}

/// <summary>What was evaluated, and how.</summary>
public sealed record EvaluationRun(
    [property: JsonPropertyName("hub")] string Hub,
    [property: JsonPropertyName("truth")] string Truth,
    [property: JsonPropertyName("kernel")] string Kernel,
    [property: JsonPropertyName("probe_set")] ProbeSetSummary ProbeSet,
    [property: JsonPropertyName("score")] string Score,
    [property: JsonPropertyName("weights")] bool Weights,
    [property: JsonPropertyName("engine_version")] string EngineVersion,
    [property: JsonPropertyName("failed")] int Failed);

public sealed record PairCounts(
    [property: JsonPropertyName("derived_light")] int DerivedLight,
    [property: JsonPropertyName("derived_heavy")] int DerivedHeavy,
    [property: JsonPropertyName("related")] int Related,
    [property: JsonPropertyName("unrelated")] int Unrelated);

/// <summary>How well one score ranks positives above negatives.</summary>
public sealed record RocFigures(
    [property: JsonPropertyName("auc")] double? Auc,
    [property: JsonPropertyName("tpr_at_1pct_fpr")] double? TprAt1PctFpr,
    [property: JsonPropertyName("tpr_at_5pct_fpr")] double? TprAt5PctFpr,
    [property: JsonPropertyName("positives")] int Positives,
    [property: JsonPropertyName("negatives")] int Negatives)
{
    /// <summary>The lowest positive's z-score against the negatives' mean and standard deviation: AWM's |Z| figure.</summary>
    [JsonPropertyName("min_z"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MinZ { get; init; }
}

/// <summary>
/// Each score's separation of a set of positive pairs from the unrelated pairs; a score is absent where it has no
/// value on either side (the weights, where no pair's weights compare).
/// </summary>
public record Separation
{
    [JsonPropertyName("pairs")] public required int Pairs { get; init; }
    [JsonPropertyName("reef_layer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RocFigures? ReefLayer { get; init; }
    [JsonPropertyName("best_pair"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RocFigures? BestPair { get; init; }
    [JsonPropertyName("alignment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RocFigures? Alignment { get; init; }
    [JsonPropertyName("weights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RocFigures? Weights { get; init; }
    [JsonPropertyName("aligned_weights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RocFigures? AlignedWeights { get; init; }
    [JsonPropertyName("verdict_evidence"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RocFigures? VerdictEvidence { get; init; }

    /// <summary>The figures of the score named <paramref name="score"/> (a name of <see cref="RegistryEvaluation.Scores"/>).</summary>
    public RocFigures? Of(string score) => score switch
    {
        "reef_layer" => ReefLayer,
        "best_pair" => BestPair,
        "alignment" => Alignment,
        "weights" => Weights,
        "aligned_weights" => AlignedWeights,
        "verdict_evidence" => VerdictEvidence,
        _ => throw new ArgumentException($"no score '{score}'"),
    };
}

/// <summary>The separation of one derivation op's pairs.</summary>
public sealed record OpSeparation : Separation
{
    [JsonPropertyName("op"), JsonPropertyOrder(1)] public required string Op { get; init; }
    [JsonPropertyName("strength"), JsonPropertyOrder(1)] public required string Strength { get; init; }
}

public sealed record SeparationByStrength(
    [property: JsonPropertyName("light")] Separation Light,
    [property: JsonPropertyName("heavy")] Separation Heavy);

public sealed record VerdictCounts(
    [property: JsonPropertyName("derived")] int Derived,
    [property: JsonPropertyName("inconclusive")] int Inconclusive,
    [property: JsonPropertyName("unrelated")] int Unrelated);

/// <summary>Verdict counts by what the truth says of the pair.</summary>
public sealed record Confusion(
    [property: JsonPropertyName("derived")] VerdictCounts Derived,
    [property: JsonPropertyName("related")] VerdictCounts Related,
    [property: JsonPropertyName("unrelated")] VerdictCounts Unrelated);

public sealed record CalibrationCheck(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("unrelated_pairs")] int UnrelatedPairs,
    [property: JsonPropertyName("at_or_below")] int AtOrBelow,
    [property: JsonPropertyName("observed_rate")] double? ObservedRate);

/// <summary>One pair's scores and verdict.</summary>
public sealed record PairVerdict(
    [property: JsonPropertyName("a")] string A,
    [property: JsonPropertyName("b")] string B,
    [property: JsonPropertyName("reef_layer")] double? ReefLayer,
    [property: JsonPropertyName("alignment")] double? Alignment,
    [property: JsonPropertyName("best_pair")] double? BestPair,
    [property: JsonPropertyName("weights")] double? Weights,
    [property: JsonPropertyName("p_value")] double? PValue,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("basis")] string Basis);

/// <summary>The proposed families against the true ones: adjusted Rand index and counts.</summary>
public sealed record FamilyAgreement(
    [property: JsonPropertyName("ari")] double? Ari,
    [property: JsonPropertyName("proposed")] int Proposed,
    [property: JsonPropertyName("truth")] int Truth);

/// <summary>
/// The proposed provenance graph against the true one. A model's parents are right when they are exactly its true parents (a
/// merge needs all of them; a root none). Edges are (parent, child) pairs: the directed-edge F1 is TensorLock's DF1, the typed
/// one also asks the edge's type to be the truth's.
/// </summary>
public sealed record LineageAccuracy(
    [property: JsonPropertyName("edge_accuracy")] double? EdgeAccuracy,
    [property: JsonPropertyName("correct")] int Correct,
    [property: JsonPropertyName("models")] int Models,
    [property: JsonPropertyName("roots_found")] int RootsFound,
    [property: JsonPropertyName("roots")] int Roots,
    [property: JsonPropertyName("wrong")] IReadOnlyList<WrongEdge> Wrong)
{
    /// <summary>Of the proposed edges, the share that are true edges.</summary>
    [JsonPropertyName("edge_precision")] public double? EdgePrecision { get; init; }
    /// <summary>Of the true edges, the share proposed.</summary>
    [JsonPropertyName("edge_recall")] public double? EdgeRecall { get; init; }
    /// <summary>Directed-edge F1 (DF1): parent and child both right.</summary>
    [JsonPropertyName("directed_edge_f1")] public double? DirectedEdgeF1 { get; init; }
    /// <summary>Directed-edge F1 counting an edge only when its type is right too.</summary>
    [JsonPropertyName("typed_edge_f1")] public double? TypedEdgeF1 { get; init; }
    /// <summary>Of the true edges proposed, the share typed right.</summary>
    [JsonPropertyName("edge_type_accuracy")] public double? EdgeTypeAccuracy { get; init; }
    /// <summary>Of the true merges' parent edges, the share proposed.</summary>
    [JsonPropertyName("merge_parent_recall")] public double? MergeParentRecall { get; init; }
    /// <summary>How the true edges proposed were typed: truth → proposed type → edges.</summary>
    [JsonPropertyName("type_confusion")] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? TypeConfusion { get; init; }
}

/// <summary>A proposed parent edge the truth does not have.</summary>
public sealed record WrongEdge(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("proposed")] string? Proposed,
    [property: JsonPropertyName("truth")] string Truth,
    [property: JsonPropertyName("basis")] string Basis);
