using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Similarity;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>
/// The registry's matrix as the engine's analysis takes it: its scores, and each model's facts as the silo read them
/// from the checkpoint (sizes for the nulls and the lineage, parent names, weight scores). Nothing here opens a checkpoint.
/// </summary>
public static class MatrixAnalysis
{
    /// <param name="matrix">Scores and facts of the models to analyse.</param>
    /// <param name="useWeights">Whether the verdicts use the weight signal (false: REEF alone).</param>
    /// <param name="policy">The verdicts' score and error rates.</param>
    public static RegistryAnalysis Analyze(SimilarityMatrix matrix, bool useWeights, VerdictPolicy policy) =>
        Analyze(matrix.Ids, matrix.FingerprintKeys, matrix.Facts, matrix.Statements, Pairs(matrix), useWeights, policy, tests: null);

    /// <summary>
    /// A candidate registry's models and scored pairs: each pair of fingerprints stands for every pair of ids with those
    /// fingerprints; ids sharing one fingerprint are the same weights. The nulls are fitted on the calibration samples and
    /// the familywise error spread over all N(N−1)/2 pairs.
    /// </summary>
    public static RegistryAnalysis Analyze(RegistryModels registry, IReadOnlyList<RegistryPair> scored, bool useWeights, VerdictPolicy policy)
    {
        var n = registry.Ids.Count;
        return Analyze(registry.Ids, registry.FingerprintKeys, registry.Facts, registry.Statements, Pairs(registry.FingerprintKeys, scored),
            useWeights, policy, tests: (long)n * (n - 1) / 2);
    }

    static RegistryAnalysis Analyze(IReadOnlyList<string> ids, IReadOnlyList<string> keys, IReadOnlyList<ModelFacts?> facts, int statements,
        ScoredPairs pairs, bool useWeights, VerdictPolicy policy, long? tests)
    {
        // A model the registry holds from before facts were kept is analysed without sizes or hints.
        var models = ids.Select((id, i) => facts[i] is { } f
            ? new RegistryModel(id, f.Architecture, f.Layers, f.HiddenSize, f.Parameters, keys[i])
            : new RegistryModel(id, "unknown", 0, 0, 0, keys[i])).ToList();
        var hints = ids.Select((_, i) => ParentHintResolver.ParentOf(facts[i]?.ParentHints ?? [], ids, i)).ToList();
        // A registry stored before it kept its probe count (0) is judged as if the count were enough.
        return RegistryAnalysis.Analyze(models, pairs, useWeights, hints, policy, statements > 0 ? statements : null, tests);
    }

    /// <summary>Fingerprint pairs as id pairs (O(E) plus the ids that share a fingerprint).</summary>
    static ScoredPairs Pairs(IReadOnlyList<string> keys, IReadOnlyList<RegistryPair> scored)
    {
        var idsOf = new Dictionary<string, List<int>>();
        for (var i = 0; i < keys.Count; i++) (idsOf.TryGetValue(keys[i], out var l) ? l : idsOf[keys[i]] = []).Add(i);
        var pairs = new ScoredPairs();
        foreach (var same in idsOf.Values)
            for (var x = 0; x < same.Count; x++)
            for (var y = x + 1; y < same.Count; y++)
                pairs.Add(same[x], same[y], new PairScore(1, 1, 1), 1, calibration: false);
        foreach (var p in scored)
        {
            if (!idsOf.TryGetValue(p.A, out var a) || !idsOf.TryGetValue(p.B, out var b)) continue;
            foreach (var i in a)
            foreach (var j in b)
                pairs.Add(i, j, new PairScore(p.Reef, p.Best, p.Alignment), p.Weights, calibration: p.Sample);
        }
        return pairs;
    }

    /// <summary>
    /// The dense matrix a small candidate registry's files and report show: verified pairs scored, the rest NaN (not
    /// verified), each model 1 with itself.
    /// </summary>
    public static SimilarityMatrix Dense(RegistryModels registry, ScoredPairs pairs)
    {
        var n = registry.Ids.Count;
        double[] Filled() => Enumerable.Range(0, n * n).Select(c => c / n == c % n ? 1.0 : double.NaN).ToArray();
        double[] reef = Filled(), best = Filled(), alignment = Filled(), weights = Filled();
        foreach (var p in pairs.All)
            foreach (var (i, j) in new[] { (p.A, p.B), (p.B, p.A) })
            {
                reef[i * n + j] = p.Reef.Reef;
                best[i * n + j] = p.Reef.Best;
                alignment[i * n + j] = p.Reef.Alignment;
                weights[i * n + j] = p.Weights;
            }
        return new SimilarityMatrix(registry.Ids, registry.FingerprintKeys, registry.Facts, registry.Kernel, registry.Statements, reef, best, alignment, weights);
    }

    /// <summary>Every pair i &lt; j the registry scored, with its weight score (NaN where the weights cannot be compared).</summary>
    public static ScoredPairs Pairs(SimilarityMatrix m)
    {
        var n = m.Ids.Count;
        var pairs = new ScoredPairs();
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
        {
            var reef = new PairScore(m.At(m.Reef, i, j), m.At(m.Best, i, j), m.At(m.Alignment, i, j));
            if (!double.IsNaN(reef.Reef)) pairs.Add(i, j, reef, m.At(m.Weights, i, j));
        }
        return pairs;
    }
}
