using Reef.Engine.Weights;

namespace Reef.Engine.Analysis.Lineage;

/// <summary>A model found to be a merge: its parents (registry indices), their mixing weights, and the fit's residual.</summary>
public sealed record MergeFit(int[] Parents, double[] Weights, double Residual)
{
    /// <summary>The parent it takes most from: the largest weight; within 0.05, the parent <paramref name="function"/> rates higher.</summary>
    public int Primary(Func<int, double> function)
    {
        var heaviest = Weights.Max();
        return Enumerable.Range(0, Parents.Length).Where(k => Weights[k] >= heaviest - 0.05)
            .OrderByDescending(k => function(Parents[k])).ThenByDescending(k => Weights[k]).Select(k => Parents[k]).First();
    }
}

/// <summary>
/// Finds the merges among a group of models (<see cref="EdgeTyping.MergeOf"/>): each model with weight evidence against the
/// models judged derived with it, of any family, of the same shapes: O(derived pairs) fits of at most 16 candidates. A merge's parents may lie in
/// two families; the lineage gives it an edge from each.
/// </summary>
public static class MergeSearch
{
    /// <param name="models">The models to test (a family's members).</param>
    /// <param name="signals">Evidence and the derived and scored pairs.</param>
    /// <param name="evidence">Where evidence is read (a cache the caller holds for the family).</param>
    public static Dictionary<int, MergeFit> Find(IEnumerable<int> models, LineageSignals signals, Func<int, WeightEvidence?> evidence)
    {
        var merges = new Dictionary<int, MergeFit>();
        var group = models.ToList();
        foreach (var m in group)
        {
            if (evidence(m) is not { } child) continue;
            // A merge is judged derived with each of its parents: those are its candidates (a registry of every pair would
            // otherwise offer every model). Unknown pairs (null) mean every pair of the group.
            var candidates = (signals.Derived?.Invoke(m) ?? signals.Scored?.Invoke(m) ?? group).Where(o => o != m).Distinct()
                .Where(o => evidence(o) is { } e && e.SameShapes(child)).Order().ToList();
            if (candidates.Count < 2) continue;
            if (EdgeTyping.MergeOf(child, candidates.Select(o => evidence(o)!).ToList()) is { } merge)
                merges[m] = new MergeFit(merge.Parents.Select(i => candidates[i]).ToArray(), merge.Weights, merge.Residual);
        }
        return merges;
    }
}
