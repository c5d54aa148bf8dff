using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Similarity;

namespace Reef.Engine.Analysis;

/// <summary>
/// What a registry's scores mean, in one place for `reef scan` and `reef eval`: calibrated verdicts on every
/// scored pair, the derivation families, and each family's proposed root and parent edges. Everything here is O(E)
/// in the scored pairs: every pair of a small hub, or a large hub's candidates and calibration samples.
/// </summary>
public sealed class RegistryAnalysis
{
    public required RegistryVerdicts Verdicts { get; init; }
    /// <summary>The scored pairs: REEF scores, and weight scores (NaN where not valid).</summary>
    public required ScoredPairs Pairs { get; init; }
    /// <summary>Whether the weight scores were judged (false: REEF alone).</summary>
    public required bool UsesWeights { get; init; }
    public required IReadOnlyList<IReadOnlyList<int>> Families { get; init; }
    /// <summary>One edge per model, family by family; metadata used where given.</summary>
    public required IReadOnlyList<ParentEdge> Lineage { get; init; }

    public IReadOnlyList<RegistryModel> Models => Verdicts.Models;

    /// <summary>The weight score of a pair as judged: NaN where not valid, not scored, or weights are not used.</summary>
    public double WeightScore(int a, int b) => UsesWeights && Pairs[a, b] is { } p ? p.Weights : double.NaN;

    /// <param name="models">The registry's models.</param>
    /// <param name="scores">REEF scores of every pair.</param>
    /// <param name="weights">Weight-signature scores (NaN where invalid), or null.</param>
    /// <param name="hints">Parent each model's metadata names (-1 where none), or null.</param>
    /// <param name="policy">Score and error rates of the verdicts.</param>
    /// <param name="statements">Probe statements per fingerprint: below the minimum, every verdict is "insufficient". Null when unknown.</param>
    public static RegistryAnalysis Analyze(IReadOnlyList<RegistryModel> models, PairScore[,] scores, double[,]? weights,
        IReadOnlyList<int>? hints, VerdictPolicy? policy = null, int? statements = null) =>
        Analyze(models, ScoredPairs.FromMatrix(scores, weights), weights != null, hints, policy, statements);

    /// <param name="models">The registry's models.</param>
    /// <param name="pairs">The scored pairs.</param>
    /// <param name="useWeights">Whether the verdicts judge the weight scores.</param>
    /// <param name="hints">Parent each model's metadata names (-1 where none), or null.</param>
    /// <param name="policy">Score and error rates of the verdicts.</param>
    /// <param name="statements">Probe statements per fingerprint: below the minimum, every verdict is "insufficient". Null when unknown.</param>
    /// <param name="tests">Pairs the familywise error is spread over (see <see cref="RegistryVerdicts.Judge(IReadOnlyList{RegistryModel}, ScoredPairs, bool, VerdictPolicy?, int?, long?)"/>).</param>
    public static RegistryAnalysis Analyze(IReadOnlyList<RegistryModel> models, ScoredPairs pairs, bool useWeights,
        IReadOnlyList<int>? hints, VerdictPolicy? policy = null, int? statements = null, long? tests = null)
    {
        var verdicts = RegistryVerdicts.Judge(models, pairs, useWeights, policy, statements, tests);
        var families = FamilyClustering.Group(models.Count, verdicts.Judged.Where(p => p.Evidence.Verdict == Verdict.Derived).Select(p => (p.A, p.B)),
            verdicts.Representative);
        return new RegistryAnalysis
        {
            Verdicts = verdicts, Pairs = pairs, UsesWeights = useWeights, Families = families,
            Lineage = InferLineage(families, models, Closeness(pairs, useWeights, verdicts.Policy), hints),
        };
    }

    /// <summary>Each family's root and parent edges; with <paramref name="hints"/> null, from the scores alone.</summary>
    public IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<int>? hints) =>
        InferLineage(Families, Models, Closeness(Pairs, UsesWeights, Verdicts.Policy), hints);

    /// <summary>
    /// Pairs by the strength of their evidence of derivation, strongest first (alignment breaks ties); with
    /// <paramref name="model"/>, only that model's pairs. What suspects lists and the report's top suspects rank by.
    /// </summary>
    public IEnumerable<(int A, int B, PairEvidence Evidence)> StrongestPairs(int? model = null) =>
        Verdicts.Judged.Where(p => model == null || p.A == model || p.B == model)
            .OrderByDescending(p => p.Evidence.Strength).ThenByDescending(p => p.Evidence.Scores.Alignment);

    static IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<IReadOnlyList<int>> families, IReadOnlyList<RegistryModel> models,
        Func<int, int, double> closeness, IReadOnlyList<int>? hints) =>
        families.SelectMany(f => LineageInference.Infer(f, models, closeness, hints)).ToList();

    /// <summary>
    /// How close two models are for lineage: the weight score where comparable, since weights drift step by step
    /// along a chain of edits; else the judged REEF score; 0 for a pair never scored (no evidence that they are close).
    /// </summary>
    static Func<int, int, double> Closeness(ScoredPairs pairs, bool useWeights, VerdictPolicy policy) =>
        (a, b) => pairs[a, b] is not { } p ? 0 : useWeights && !double.IsNaN(p.Weights) ? p.Weights : policy.Score.Of(p.Reef);
}
