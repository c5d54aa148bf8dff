namespace Reef.Engine.Similarity;

/// <summary>The answer to "is B derived from A?". Insufficient: too few probe statements to judge (<see cref="Probes.ProbeRequirements"/>).</summary>
public enum Verdict { Derived, Inconclusive, Unrelated, Insufficient }

/// <summary>
/// Score bands for a verdict. The defaults are REEF's colour bands (&gt; 0.8 derived, &lt; 0.5 unrelated): the paper
/// gives no decision rule, and DESIGN.md measured unrelated small models up to 0.57, so these are not calibrated
/// to any registry; they are printed with every verdict.
/// </summary>
public sealed record VerdictThresholds(double Derived = 0.8, double Unrelated = 0.5)
{
    public static VerdictThresholds Default { get; } = new();

    /// <summary>The verdict for <paramref name="score"/>.</summary>
    public Verdict Judge(double score) =>
        score >= Derived ? Verdict.Derived : score < Unrelated ? Verdict.Unrelated : Verdict.Inconclusive;
}
