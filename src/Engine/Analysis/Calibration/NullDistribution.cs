namespace Reef.Engine.Analysis.Calibration;

/// <summary>
/// The scores of unrelated pairs, as a normal law fitted robustly: location the median, scale 1.4826 × the
/// median absolute deviation, after trimming the pairs that stand out above it. A registry is mostly unrelated
/// pairs, so its bulk is the null; derivatives are what the trimming removes ("judged unrelated with margin").
/// </summary>
/// <param name="Group">Which pairs it was fitted on (e.g. "LlamaForCausalLM×LlamaForCausalLM, 4×4 layers").</param>
/// <param name="Count">Pairs kept as unrelated.</param>
/// <param name="Location">Median of the kept scores.</param>
/// <param name="Scale">Robust standard deviation of the kept scores.</param>
/// <param name="Max">Highest kept score.</param>
public sealed record NullDistribution(string Group, int Count, double Location, double Scale, double Max)
{
    /// <summary>Pairs above location + this many scales are not taken as unrelated when fitting.</summary>
    public const double TrimAt = 2.5;

    /// <summary>Fewest unrelated pairs a null is fitted on.</summary>
    public const int MinimumCount = 40;

    /// <summary>The smallest scale allowed by default: scores that all agree to three decimals say nothing finer.</summary>
    public const double DefaultMinimumScale = 1e-3;

    /// <summary>ln of the probability that an unrelated pair scores at least <paramref name="score"/>.</summary>
    public double LogPValue(double score) => NormalTail.LogSurvival(ZScore(score));

    /// <summary>Standard deviations above the unrelated scores' location.</summary>
    public double ZScore(double score) => (score - Location) / Scale;

    /// <summary>The null of <paramref name="scores"/>, or null when fewer than <see cref="MinimumCount"/> remain after trimming.</summary>
    /// <param name="group">Names the pairs.</param>
    /// <param name="scores">Every scored pair's score.</param>
    /// <param name="minimumScale">Floor on the fitted scale, in the score's units.</param>
    public static NullDistribution? Fit(string group, IEnumerable<double> scores, double minimumScale = DefaultMinimumScale)
    {
        var kept = scores.Where(double.IsFinite).ToArray();
        // A few rounds: each fit on what the last kept. A normal null loses about 0.6 % a round to the trim, so
        // the rounds stop once a round trims that little (related pairs are gone by then).
        for (var round = 0; round < 5 && kept.Length >= MinimumCount; round++)
        {
            var (location, scale) = Robust(kept, minimumScale);
            var next = kept.Where(s => s <= location + TrimAt * scale).ToArray();
            var settled = next.Length >= 0.99 * kept.Length;
            kept = next;
            if (settled) break;
        }
        if (kept.Length < MinimumCount) return null;
        var (l, s) = Robust(kept, minimumScale);
        return new NullDistribution(group, kept.Length, l, s, kept.Max());
    }

    static (double Location, double Scale) Robust(double[] values, double minimumScale)
    {
        var median = Median(values);
        var mad = Median(values.Select(v => Math.Abs(v - median)).ToArray());
        return (median, Math.Max(1.4826 * mad, minimumScale));
    }

    static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
