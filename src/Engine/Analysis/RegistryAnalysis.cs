using Reef.Engine.Calibration;
using Reef.Engine.Families;
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
    public static RegistryAnalysis Analyze(IReadOnlyList<RegistryModel> models, PairScore[,] scores, double[,]? weights,
        IReadOnlyList<int>? hints, VerdictPolicy? policy = null)
    {
        var verdicts = RegistryVerdicts.Judge(models, scores, weights, policy);
        var families = FamilyClustering.Group(models.Count, (i, j) => verdicts[i, j]?.Verdict == Verdict.Derived);
        var analysis = new RegistryAnalysis { Verdicts = verdicts, Scores = scores, Weights = weights, Families = families, Lineage = [] };
        return new RegistryAnalysis { Verdicts = verdicts, Scores = scores, Weights = weights, Families = families, Lineage = analysis.InferLineage(hints) };
    }

    /// <summary>Each family's root and parent edges; with <paramref name="hints"/> null, from the scores alone.</summary>
    public IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<int>? hints) =>
        Families.SelectMany(f => LineageInference.Infer(f, Models, Closeness, hints)).ToList();

    /// <summary>
    /// How close two models are for lineage: the weight score where comparable, since weights drift step by step
    /// along a chain of edits; else the judged REEF score.
    /// </summary>
    double Closeness(int a, int b) => Weights != null && !double.IsNaN(Weights[a, b]) ? Weights[a, b] : Verdicts.Policy.Score.Of(Scores[a, b]);
}
