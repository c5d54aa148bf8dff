using Reef.Engine.Similarity;
using Reef.Engine.Weights;

namespace Reef.Engine.Analysis;

/// <summary>
/// Gives every scored pair its aligned weight score (<see cref="AlignedWeightScore"/>) from the two models' stored evidence:
/// O(E) in the scored pairs, each model's evidence held in a bounded cache (pairs come in row order, so a model's run of pairs reads it once).
/// </summary>
public static class AlignedPairScores
{
    // Models held at once: enough that a hub's candidates (k per model) mostly hit, within a memory budget, since a model's
    // aligned weights and their float64 Grams take about 100 MB at a width of 8,192.
    const int CacheModels = 256;
    const long CacheBytes = 1L << 30;

    /// <summary>The pairs with their aligned scores filled in (NaN where either model has no aligned weights or they differ in width).</summary>
    public static ScoredPairs Score(ScoredPairs pairs, Func<int, WeightEvidence?> evidence)
    {
        var cache = new Dictionary<int, AlignedWeights?>();
        var order = new Queue<int>();
        long held = 0;
        AlignedWeights? Read(int m)
        {
            if (cache.TryGetValue(m, out var hit)) return hit;
            var read = evidence(m)?.Aligned;
            // Two always fit: the pair being scored.
            while (order.Count >= 2 && (order.Count >= CacheModels || held + Bytes(read) > CacheBytes))
            {
                var oldest = order.Dequeue();
                held -= Bytes(cache[oldest]);
                cache.Remove(oldest);
            }
            order.Enqueue(m);
            held += Bytes(read);
            return cache[m] = read;
        }
        var scored = new ScoredPairs();
        foreach (var p in pairs.All)
            scored.Add(p.A, p.B, p.Reef, p.Weights, p.Calibration, AlignedWeightScore.Score(Read(p.A), Read(p.B)));
        return scored;
    }

    /// <summary>What a model's aligned weights take held, with the float64 Grams the score makes of them.</summary>
    static long Bytes(AlignedWeights? a) => a == null ? 0 : 4L * (a.Anchors.Length + a.Factors.Length) + 8L * a.Factors.Length;
}
