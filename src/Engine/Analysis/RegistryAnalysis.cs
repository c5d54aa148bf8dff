using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Similarity;

namespace Reef.Engine.Analysis;

/// <summary>
/// What a registry's scores mean, in one place for `reef scan` and `reef eval`: calibrated verdicts on every
/// pair, the derivation families, and each family's proposed root and parent edges.
/// </summary>
public sealed class RegistryAnalysis
{
    public required RegistryVerdicts Verdicts { get; init; }
    /// <summary>REEF scores of every pair.</summary>
    public required PairScore[,] Scores { get; init; }
    /// <summary>Weight-signature scores, NaN where not valid; null when not computed.</summary>
    public double[,]? Weights { get; init; }
    public required IReadOnlyList<IReadOnlyList<int>> Families { get; init; }
    /// <summary>One edge per model, family by family; metadata used where given.</summary>
    public required IReadOnlyList<ParentEdge> Lineage { get; init; }

    public IReadOnlyList<RegistryModel> Models => Verdicts.Models;

    /// <param name="models">The registry's models.</param>
    /// <param name="scores">REEF scores of every pair.</param>
    /// <param name="weights">Weight-signature scores (NaN where invalid), or null.</param>
    /// <param name="hints">Parent each model's metadata names (-1 where none), or null.</param>
    /// <param name="policy">Score and error rates of the verdicts.</param>
    /// <param name="statements">Probe statements per fingerprint: below the minimum, every verdict is "insufficient". Null when unknown.</param>
    public static RegistryAnalysis Analyze(IReadOnlyList<RegistryModel> models, PairScore[,] scores, double[,]? weights,
        IReadOnlyList<int>? hints, VerdictPolicy? policy = null, int? statements = null)
    {
        var verdicts = RegistryVerdicts.Judge(models, scores, weights, policy, statements);
        var families = FamilyClustering.Group(models.Count, (i, j) => verdicts[i, j]?.Verdict == Verdict.Derived);
        return new RegistryAnalysis
        {
            Verdicts = verdicts, Scores = scores, Weights = weights, Families = families,
            Lineage = InferLineage(families, models, Closeness(scores, weights, verdicts.Policy), hints),
        };
    }

    /// <summary>Each family's root and parent edges; with <paramref name="hints"/> null, from the scores alone.</summary>
    public IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<int>? hints) =>
        InferLineage(Families, Models, Closeness(Scores, Weights, Verdicts.Policy), hints);

    /// <summary>
    /// Pairs by the strength of their evidence of derivation, strongest first (alignment breaks ties); with
    /// <paramref name="model"/>, only that model's pairs. What suspects lists and the report's top suspects rank by.
    /// </summary>
    public IEnumerable<(int A, int B, PairEvidence Evidence)> StrongestPairs(int? model = null)
    {
        var n = Models.Count;
        var pairs = from i in Enumerable.Range(0, n)
            from j in Enumerable.Range(i + 1, n - i - 1)
            where model == null || i == model || j == model
            let e = Verdicts[i, j]
            where e != null
            select (i, j, e);
        return pairs.OrderByDescending(p => p.e.Strength).ThenByDescending(p => p.e.Scores.Alignment);
    }

    static IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<IReadOnlyList<int>> families, IReadOnlyList<RegistryModel> models,
        Func<int, int, double> closeness, IReadOnlyList<int>? hints) =>
        families.SelectMany(f => LineageInference.Infer(f, models, closeness, hints)).ToList();

    /// <summary>
    /// How close two models are for lineage: the weight score where comparable, since weights drift step by step
    /// along a chain of edits; else the judged REEF score.
    /// </summary>
    static Func<int, int, double> Closeness(PairScore[,] scores, double[,]? weights, VerdictPolicy policy) =>
        (a, b) => weights != null && !double.IsNaN(weights[a, b]) ? weights[a, b] : policy.Score.Of(scores[a, b]);
}
