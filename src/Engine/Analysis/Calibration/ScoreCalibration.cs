namespace Reef.Engine.Analysis.Calibration;

/// <summary>
/// The null distributions of one score across a registry: one per architecture pairing and depths where that
/// group has enough unrelated pairs, else one per architecture pairing, else one for the whole registry. When
/// even the whole registry has too few (a handful of models), there is none, and verdicts fall back to REEF's
/// fixed bands without an error rate.
/// </summary>
public sealed class ScoreCalibration
{
    readonly Dictionary<PairGroup, NullDistribution> byGroup;
    readonly Dictionary<string, NullDistribution> byArchitectures;

    public string Score { get; }
    public NullDistribution? Pooled { get; }

    /// <summary>Every null fitted, most specific first.</summary>
    public IEnumerable<NullDistribution> Nulls => byGroup.Values.Concat(byArchitectures.Values).Concat(Pooled is { } p ? [p] : []);

    ScoreCalibration(string score, Dictionary<PairGroup, NullDistribution> byGroup, Dictionary<string, NullDistribution> byArchitectures, NullDistribution? pooled)
    {
        Score = score;
        this.byGroup = byGroup;
        this.byArchitectures = byArchitectures;
        Pooled = pooled;
    }

    /// <summary>The null a pair of <paramref name="group"/> is judged against, or null when the registry is too small.</summary>
    public NullDistribution? For(PairGroup group) =>
        byGroup.GetValueOrDefault(group) ?? byArchitectures.GetValueOrDefault(group.Architectures) ?? Pooled;

    /// <summary>Fits the nulls of <paramref name="score"/> from every scored pair (NaN scores are skipped).</summary>
    /// <param name="score">The score's name.</param>
    /// <param name="pairs">Every scored pair with its group.</param>
    /// <param name="minimumScale">Floor on each null's scale (see <see cref="NullDistribution.Fit"/>).</param>
    public static ScoreCalibration Fit(string score, IReadOnlyList<(PairGroup Group, double Value)> pairs, double minimumScale = NullDistribution.DefaultMinimumScale)
    {
        var byGroup = new Dictionary<PairGroup, NullDistribution>();
        foreach (var g in pairs.GroupBy(p => p.Group))
            if (NullDistribution.Fit(g.Key.ToString(), g.Select(p => p.Value), minimumScale) is { } fitted) byGroup[g.Key] = fitted;
        var byArchitectures = new Dictionary<string, NullDistribution>();
        foreach (var g in pairs.GroupBy(p => p.Group.Architectures))
            if (NullDistribution.Fit(g.Key, g.Select(p => p.Value), minimumScale) is { } fitted) byArchitectures[g.Key] = fitted;
        return new ScoreCalibration(score, byGroup, byArchitectures, NullDistribution.Fit("all pairs", pairs.Select(p => p.Value), minimumScale));
    }
}
