using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Similarity;
using Reef.Engine.Weights;

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
    /// <summary>
    /// The provenance graph, family by family: a root edge for each family's root, one edge per parent for every other model
    /// (several for a merge), typed; metadata used where given.
    /// </summary>
    public required IReadOnlyList<ParentEdge> Lineage { get; init; }

    /// <summary>What the lineage was made from: scores, scored pairs and weight evidence.</summary>
    LineageSignals LineageInputs { get; init; } = null!;

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
    /// <param name="evidence">Each model's weight evidence (null where it has none), asked for family by family; null: none.</param>
    public static RegistryAnalysis Analyze(IReadOnlyList<RegistryModel> models, ScoredPairs pairs, bool useWeights,
        IReadOnlyList<int>? hints, VerdictPolicy? policy = null, int? statements = null, long? tests = null, Func<int, WeightEvidence?>? evidence = null)
    {
        // The aligned weight score is judged beside the signature's wherever the weights are.
        if (useWeights && evidence != null) pairs = AlignedPairScores.Score(pairs, evidence);
        var verdicts = RegistryVerdicts.Judge(models, pairs, useWeights, policy, statements, tests);
        var derived = verdicts.Judged.Where(p => p.Evidence.Verdict == Verdict.Derived).Select(p => (p.A, p.B)).ToList();
        var signals = Signals(models.Count, pairs, derived, useWeights, verdicts.Policy, evidence);
        var clustered = FamilyClustering.Group(models.Count, derived, verdicts.Representative);
        // Evidence is read family by family, held only while that family is searched, then again for its lineage.
        var merges = clustered.Where(f => f.Count > 1).SelectMany(f => MergeSearch.Find(f, signals, Cached(signals.Evidence)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var families = WithMergesHome(clustered, merges, (m, p) => pairs[m, p]?.Reef.Reef ?? 0);

        return new RegistryAnalysis
        {
            Verdicts = verdicts, Pairs = pairs, UsesWeights = useWeights, Families = families, LineageInputs = signals, Merges = merges,
            Lineage = InferLineage(families, models, signals, hints, merges),
        };
    }

    /// <summary>The merges found, by model (each with all its parents, which may lie in two families).</summary>
    public IReadOnlyDictionary<int, MergeFit> Merges { get; init; } = new Dictionary<int, MergeFit>();

    /// <summary>Each family's root and parent edges; with <paramref name="hints"/> null, from the scores and weights alone.</summary>
    public IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<int>? hints) => InferLineage(Families, Models, LineageInputs, hints, Merges);

    /// <summary>
    /// The families with each merge of two families in the family of the parent it takes most from (<see cref="MergeFit.Primary"/>:
    /// the larger mixing weight; for an even merge, the parent whose function — REEF score — it keeps more). Clustering alone
    /// puts an even merge with whichever family's pairs happen to score higher; a partition must choose one.
    /// </summary>
    static IReadOnlyList<IReadOnlyList<int>> WithMergesHome(IReadOnlyList<IReadOnlyList<int>> families, IReadOnlyDictionary<int, MergeFit> merges,
        Func<int, int, double> function)
    {
        if (merges.Count == 0) return families;
        var lists = families.Select(f => f.ToList()).ToList();
        var familyOf = new Dictionary<int, int>();
        for (var f = 0; f < lists.Count; f++)
            foreach (var m in lists[f]) familyOf[m] = f;
        foreach (var (m, fit) in merges.OrderBy(kv => kv.Key))
        {
            var primary = fit.Primary(p => function(m, p));
            if (!familyOf.TryGetValue(primary, out var home) || home == familyOf[m]) continue;
            lists[familyOf[m]].Remove(m);
            lists[home].Add(m);
            familyOf[m] = home;
        }
        return lists.Where(f => f.Count > 0).Select(f => (IReadOnlyList<int>)f.Order().ToList()).OrderByDescending(f => f.Count).ThenBy(f => f[0]).ToList();
    }

    /// <summary>A cache of <paramref name="read"/> for one family's work.</summary>
    static Func<int, WeightEvidence?> Cached(Func<int, WeightEvidence?> read)
    {
        var cache = new Dictionary<int, WeightEvidence?>();
        return m => cache.TryGetValue(m, out var e) ? e : cache[m] = read(m);
    }

    /// <summary>
    /// Pairs by the strength of their evidence of derivation, strongest first (alignment breaks ties); with
    /// <paramref name="model"/>, only that model's pairs. What suspects lists and the report's top suspects rank by.
    /// </summary>
    public IEnumerable<(int A, int B, PairEvidence Evidence)> StrongestPairs(int? model = null) =>
        Verdicts.Judged.Where(p => model == null || p.A == model || p.B == model)
            .OrderByDescending(p => p.Evidence.Strength).ThenByDescending(p => p.Evidence.Scores.Alignment);

    static IReadOnlyList<ParentEdge> InferLineage(IReadOnlyList<IReadOnlyList<int>> families, IReadOnlyList<RegistryModel> models,
        LineageSignals signals, IReadOnlyList<int>? hints, IReadOnlyDictionary<int, MergeFit> merges) =>
        families.SelectMany(f => LineageInference.Infer(f, models, signals, hints, merges)).ToList();

    /// <summary>The lineage's inputs: O(E) adjacency of the scored and the derived pairs, the closeness, and the weight scores where judged.</summary>
    static LineageSignals Signals(int n, ScoredPairs pairs, IReadOnlyList<(int A, int B)> derived, bool useWeights, VerdictPolicy policy,
        Func<int, WeightEvidence?>? evidence)
    {
        var scored = Adjacency(n, pairs.All.Select(p => (p.A, p.B)));
        var derivedWith = Adjacency(n, derived);
        return new LineageSignals
        {
            Closeness = Closeness(pairs, useWeights, policy),
            WeightScore = (a, b) => useWeights && pairs[a, b] is { } p ? p.Weights : double.NaN,
            Evidence = evidence ?? (_ => null), Scored = m => scored[m], Derived = m => derivedWith[m],
        };
    }

    static List<int>[] Adjacency(int n, IEnumerable<(int A, int B)> edges)
    {
        var adjacency = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in edges)
        {
            adjacency[a].Add(b);
            adjacency[b].Add(a);
        }
        return adjacency;
    }

    /// <summary>
    /// How close two models are for lineage: the weight score where comparable, since weights drift step by step
    /// along a chain of edits; else the judged REEF score; 0 for a pair never scored (no evidence that they are close).
    /// </summary>
    static Func<int, int, double> Closeness(ScoredPairs pairs, bool useWeights, VerdictPolicy policy) =>
        (a, b) => pairs[a, b] is not { } p ? 0 : useWeights && !double.IsNaN(p.Weights) ? p.Weights : policy.Score.Of(p.Reef);
}
