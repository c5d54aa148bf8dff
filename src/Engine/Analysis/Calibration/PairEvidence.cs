using Reef.Engine.Similarity;

namespace Reef.Engine.Analysis.Calibration;

/// <summary>One signal's say on a pair: its score and how unlikely that score is for unrelated models.</summary>
/// <param name="Score">The score's name (reef_layer, alignment, best_pair, weights).</param>
/// <param name="Value">The score.</param>
/// <param name="LogP">ln p-value against the null; null when the registry is too small to fit one.</param>
/// <param name="Null">Which null judged it.</param>
public sealed record SignalEvidence(string Score, double Value, double? LogP, string? Null)
{
    public double? PValue => LogP is { } l ? Math.Exp(l) : null;
}

/// <summary>
/// The verdict on one pair with its error rate: the REEF signal, the weight signal where the two models' weights
/// can be compared, and their combination.
/// </summary>
/// <param name="Scores">The pair's REEF scores (REEF layer, best pair, alignment).</param>
/// <param name="Reef">The REEF score the verdict judges, calibrated.</param>
/// <param name="Weights">The weight signal, calibrated; null where it is not valid for the pair.</param>
/// <param name="LogP">ln of the combined p-value (Fisher's method over the signals present): the estimated
/// false-positive rate of calling this pair derived. Null when no signal could be calibrated.</param>
/// <param name="Verdict">Derived, inconclusive or unrelated.</param>
/// <param name="Basis">How the verdict was reached, in words.</param>
/// <param name="Aligned">The aligned weight signal (<see cref="Weights.AlignedWeightScore"/>), calibrated; null where not valid. It
/// joins the weight signal in <paramref name="LogP"/> as the smaller of the two p-values, doubled (Bonferroni).</param>
public sealed record PairEvidence(PairScore Scores, SignalEvidence Reef, SignalEvidence? Weights, double? LogP, Verdict Verdict, string Basis,
    SignalEvidence? Aligned = null)
{
    public double? PValue => LogP is { } l ? Math.Exp(l) : null;

    /// <summary>Strength of the evidence for "derived", for ranking: −log₁₀ p, or the REEF score where uncalibrated.</summary>
    public double Strength => LogP is { } l ? -l / Math.Log(10) : Reef.Value;
}
