using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Similarity;
using Reef.Engine.Weights;
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
    /// <param name="evidence">Each model's weight evidence, for the lineage; null: none.</param>
    public static RegistryAnalysis Analyze(SimilarityMatrix matrix, bool useWeights, VerdictPolicy policy, Func<int, WeightEvidence?>? evidence = null) =>
        Analyze(matrix.Ids, matrix.FingerprintKeys, matrix.Facts, matrix.Statements, Pairs(matrix), useWeights, policy, tests: null, evidence);

    /// <summary>
    /// A candidate registry's models and scored pairs: each pair of fingerprints stands for every pair of ids with those
    /// fingerprints; ids sharing one fingerprint are the same weights. The nulls are fitted on the calibration samples and
    /// the familywise error spread over all N(N−1)/2 pairs.
    /// </summary>
    public static RegistryAnalysis Analyze(RegistryModels registry, IReadOnlyList<RegistryPair> scored, bool useWeights, VerdictPolicy policy,
        Func<int, WeightEvidence?>? evidence = null)
    {
        var n = registry.Ids.Count;
        return Analyze(registry.Ids, registry.FingerprintKeys, registry.Facts, registry.Statements, Pairs(registry.FingerprintKeys, scored),
            useWeights, policy, tests: (long)n * (n - 1) / 2, evidence);
    }

    static RegistryAnalysis Analyze(IReadOnlyList<string> ids, IReadOnlyList<string> keys, IReadOnlyList<ModelFacts?> facts, int statements,
        ScoredPairs pairs, bool useWeights, VerdictPolicy policy, long? tests, Func<int, WeightEvidence?>? evidence)
    {
        // A model the registry holds from before facts were kept is analysed without sizes or hints.
        var models = ids.Select((id, i) => facts[i] is { } f
            ? new RegistryModel(id, f.Architecture, f.Layers, f.HiddenSize, f.Parameters, keys[i])
            : new RegistryModel(id, "unknown", 0, 0, 0, keys[i])).ToList();
        var hints = ids.Select((_, i) => ParentHintResolver.ParentOf(facts[i]?.ParentHints ?? [], ids, i)).ToList();
        // A registry stored before it kept its probe count (0) is judged as if the count were enough.
        return RegistryAnalysis.Analyze(models, pairs, useWeights, hints, policy, statements > 0 ? statements : null, tests, evidence);
    }

    /// <summary>
    /// Fingerprint pairs as id pairs, O(E + N): each scored pair of fingerprints between the first ids holding them, and
    /// each further id holding a fingerprint paired with that first id (same weights). A stranger who uploads one
    /// checkpoint under 10,000 ids adds 10,000 pairs, not 5·10⁷; the verdicts judge a copy as the weights it holds.
    /// </summary>
    static ScoredPairs Pairs(IReadOnlyList<string> keys, IReadOnlyList<RegistryPair> scored)
    {
        var first = new Dictionary<string, int>();
        var pairs = new ScoredPairs();
        for (var i = 0; i < keys.Count; i++)
            if (!first.TryAdd(keys[i], i)) pairs.Add(first[keys[i]], i, new PairScore(1, 1, 1), 1, calibration: false);
        foreach (var p in scored)
            if (first.TryGetValue(p.A, out var a) && first.TryGetValue(p.B, out var b) && a != b)
                pairs.Add(a, b, new PairScore(p.Reef, p.Best, p.Alignment), p.Weights, calibration: p.Sample);
        return pairs;
    }

    /// <summary>
    /// The dense matrix a small candidate registry's files and report show: verified pairs scored (an id holding the same
    /// weights as another shows that one's scores), the rest NaN (not verified), each model 1 with itself. N² by nature:
    /// only up to --dense-up-to.
    /// </summary>
    public static SimilarityMatrix Dense(RegistryModels registry, RegistryAnalysis analysis)
    {
        var n = registry.Ids.Count;
        var representative = analysis.Verdicts.Representative;
        double[] reef = new double[n * n], best = new double[n * n], alignment = new double[n * n], weights = new double[n * n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
        {
            var (a, b) = (representative[i], representative[j]);
            var c = i * n + j;
            if (i == j || a == b) (reef[c], best[c], alignment[c], weights[c]) = (1, 1, 1, 1);
            else if ((analysis.Pairs[i, j] ?? analysis.Pairs[a, b]) is { } p) (reef[c], best[c], alignment[c], weights[c]) = (p.Reef.Reef, p.Reef.Best, p.Reef.Alignment, p.Weights);
            else (reef[c], best[c], alignment[c], weights[c]) = (double.NaN, double.NaN, double.NaN, double.NaN);
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
