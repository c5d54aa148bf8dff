namespace Reef.Engine.Analysis.Evaluation;

/// <summary>Hubert and Arabie's adjusted Rand index: agreement of two partitions, 1 when equal, about 0 for chance.</summary>
public static class AdjustedRandIndex
{
    /// <summary>ARI of two labelings of the same items.</summary>
    public static double Of<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b) where TA : notnull where TB : notnull
    {
        if (a.Count != b.Count) throw new ArgumentException("labelings differ in length");
        static double Pairs(long n) => n * (n - 1) / 2.0;
        var cells = a.Zip(b).GroupBy(p => p).Sum(g => Pairs(g.Count()));
        var rows = a.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        var cols = b.GroupBy(x => x).Sum(g => Pairs(g.Count()));
        var total = Pairs(a.Count);
        var expected = rows * cols / total;
        var max = (rows + cols) / 2;
        return max == expected ? 1 : (cells - expected) / (max - expected);
    }
}
