namespace Reef.Engine.Similarity;

/// <summary>
/// Derivation families as the connected components of "derived" verdicts: if A derives from B and C from A,
/// all three are one family. Issue 6 replaces the fixed thresholds with calibrated ones; the grouping stays.
/// </summary>
public static class Families
{
    /// <summary>Groups of model indices, largest first; models with no derived pair are families of one.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Group(int count, Func<int, int, bool> derived)
    {
        var parent = Enumerable.Range(0, count).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        for (var i = 0; i < count; i++)
        for (var j = i + 1; j < count; j++)
            if (derived(i, j)) parent[Find(i)] = Find(j);
        return Enumerable.Range(0, count).GroupBy(Find).Select(g => (IReadOnlyList<int>)g.Order().ToList())
            .OrderByDescending(g => g.Count).ThenBy(g => g[0]).ToList();
    }
}
