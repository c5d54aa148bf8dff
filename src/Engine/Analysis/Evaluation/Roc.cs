namespace Reef.Engine.Analysis.Evaluation;

/// <summary>Threshold-free separation of positive from negative scores.</summary>
public static class Roc
{
    /// <summary>Area under the ROC curve: the chance a random positive outscores a random negative (ties count half).</summary>
    public static double Auc(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0) return double.NaN;
        var sorted = negatives.Order().ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            var below = LowerBound(sorted, p);
            var notAbove = UpperBound(sorted, p);
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double)positives.Count * negatives.Count);
    }

    /// <summary>
    /// The lowest positive's distance above the negatives' mean in their standard deviations (AWM's |Z|); null with fewer
    /// than two negatives or none spread.
    /// </summary>
    public static double? MinZ(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count < 2) return null;
        var mean = negatives.Average();
        var sd = Math.Sqrt(negatives.Sum(v => (v - mean) * (v - mean)) / (negatives.Count - 1));
        return sd > 0 ? (positives.Min() - mean) / sd : null;
    }

    /// <summary>
    /// The true-positive rate at a false-positive rate of at most <paramref name="fpr"/>: with k = ⌊fpr·N⌋ negatives
    /// allowed above the threshold, the share of positives strictly above the (k+1)-th highest negative.
    /// </summary>
    public static double TprAt(IReadOnlyList<double> positives, IReadOnlyList<double> negatives, double fpr)
    {
        if (positives.Count == 0 || negatives.Count == 0) return double.NaN;
        var k = (int)Math.Floor(fpr * negatives.Count + 1e-9);
        var descending = negatives.OrderDescending().ToArray();
        if (k >= descending.Length) return 1;
        var threshold = descending[k];
        return positives.Count(p => p > threshold) / (double)positives.Count;
    }

    static int LowerBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
        return lo;
    }

    static int UpperBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
        return lo;
    }
}
