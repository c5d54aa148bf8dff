using Reef.Engine.Similarity;
using Reef.Engine.Weights;

namespace Reef.Engine.Analysis;

/// <summary>
/// Gives every scored pair its aligned weight score (<see cref="AlignedWeightScore"/>) from the two models' stored evidence:
/// O(E) in the scored pairs, each model's evidence held in a bounded cache (pairs come in row order, so a model's run of pairs reads it once).
/// </summary>
public static class AlignedPairScores
{
    // Evidence held at once besides the pair's first model: enough that a hub's candidates (k per model) mostly hit.
    const int CacheSize = 256;

    /// <summary>The pairs with their aligned scores filled in (NaN where either model has no aligned weights or they differ in width).</summary>
    public static ScoredPairs Score(ScoredPairs pairs, Func<int, WeightEvidence?> evidence)
    {
        var cache = new Dictionary<int, AlignedWeights?>();
        var order = new Queue<int>();
        AlignedWeights? Read(int m)
        {
            if (cache.TryGetValue(m, out var held)) return held;
            if (order.Count >= CacheSize) cache.Remove(order.Dequeue());
            order.Enqueue(m);
            return cache[m] = evidence(m)?.Aligned;
        }
        var scored = new ScoredPairs();
        foreach (var p in pairs.All)
            scored.Add(p.A, p.B, p.Reef, p.Weights, p.Calibration, AlignedWeightScore.Score(Read(p.A), Read(p.B)));
        return scored;
    }
}
