namespace Reef.Engine.Analysis.Calibration;

/// <summary>
/// How calibrated p-values become verdicts. "Derived" must survive a Bonferroni correction over every pair of the
/// registry, so that a whole scan calls an unrelated pair derived with probability at most
/// <see cref="FamilywiseError"/>; "unrelated" is a pair that looks like the null (p above <see cref="UnrelatedAbove"/>);
/// between the two is inconclusive.
/// </summary>
/// <param name="Score">The REEF score judged.</param>
/// <param name="FamilywiseError">Chance of any false "derived" in the registry.</param>
/// <param name="UnrelatedAbove">p-values above this are "unrelated".</param>
public sealed record VerdictPolicy(DecisionScore Score = DecisionScore.Alignment, double FamilywiseError = 0.05, double UnrelatedAbove = 0.01)
{
    public static VerdictPolicy Default { get; } = new();

    /// <summary>The p-value at or below which a pair of a registry of <paramref name="pairs"/> pairs is derived.</summary>
    public double DerivedAtMost(long pairs) => FamilywiseError / Math.Max(1, pairs);
}
