using System.Text.Json.Serialization;

namespace Reef.Engine.Analysis.Calibration;

/// <summary>One fitted null, as the outputs state it (rounded to six decimals).</summary>
public sealed record NullSummary(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("pairs")] int Pairs,
    [property: JsonPropertyName("location")] double? Location,
    [property: JsonPropertyName("scale")] double? Scale,
    [property: JsonPropertyName("max")] double? Max);

/// <summary>
/// The verdict rule a registry's verdicts followed, and the nulls it used: what matrix.json and eval.json state so a
/// reader can check any verdict by hand.
/// </summary>
public sealed record VerdictRule(
    [property: JsonPropertyName("score")] string Score,
    [property: JsonPropertyName("combined_with")] string? CombinedWith,
    [property: JsonPropertyName("derived_if_p_at_most")] double DerivedIfPAtMost,
    [property: JsonPropertyName("familywise_error")] double FamilywiseError,
    [property: JsonPropertyName("unrelated_if_p_above")] double UnrelatedIfPAbove,
    [property: JsonPropertyName("fallback")] string? Fallback,
    [property: JsonPropertyName("reef_nulls")] IReadOnlyList<NullSummary> ReefNulls,
    [property: JsonPropertyName("weight_nulls")] IReadOnlyList<NullSummary> WeightNulls,
    [property: JsonPropertyName("insufficient")] string? Insufficient = null)
{
    /// <summary>The aligned weight score's nulls (empty where no pair had one).</summary>
    [JsonPropertyName("aligned_weight_nulls")] public IReadOnlyList<NullSummary> AlignedWeightNulls { get; init; } = [];
}
