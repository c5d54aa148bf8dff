using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Families;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Hubs;
using Reef.Engine.Similarity;

namespace Reef.Engine.Analysis.Evaluation;

/// <summary>
/// A registry's analysis held against ground truth: how well each score separates derived from unrelated pairs
/// (AUC, TPR at 1 % and 5 % FPR, by op and light/heavy), the verdicts' confusion matrix and calibration, the
/// families' adjusted Rand index, and the lineage's edge accuracy: an <see cref="EvaluationReport"/>, written as eval.json
/// and shown in the report.
/// </summary>
public static class RegistryEvaluation
{
    /// <summary>The scores separations are measured on, by name.</summary>
    public static IReadOnlyList<(string Name, Func<PairEvidence, double, double> Value)> Scores { get; } =
    [
        ("reef_layer", (e, _) => e.Scores.Reef),
        ("best_pair", (e, _) => e.Scores.Best),
        ("alignment", (e, _) => e.Scores.Alignment),
        ("weights", (_, w) => w),
        ("aligned_weights", (e, _) => e.Aligned?.Value ?? double.NaN),
        ("verdict_evidence", (e, _) => e.LogP is { } l ? -l : double.NaN),
    ];

    /// <summary>The analysis of <paramref name="truth"/>'s hub against it; <paramref name="run"/> says what was evaluated.</summary>
    public static EvaluationReport Evaluate(RegistryAnalysis analysis, IReadOnlyList<GroundTruthModel> truth, EvaluationRun run)
    {
        var relations = new TruthRelations(truth);
        var models = analysis.Models;
        var known = Enumerable.Range(0, models.Count).Where(i => relations.Contains(models[i].Id)).ToList();
        var missing = truth.Select(t => t.Id).Except(known.Select(i => models[i].Id)).Order().ToList();

        var pairs = new List<(int I, int J, PairRelation Truth, PairEvidence Evidence, double Weight)>();
        var isKnown = known.ToHashSet();
        foreach (var (i, j, e) in analysis.Verdicts.Judged)
            if (isKnown.Contains(i) && isKnown.Contains(j))
                pairs.Add((i, j, relations.Of(models[i].Id, models[j].Id), e, analysis.WeightScore(i, j)));

        var negatives = pairs.Where(p => p.Truth.Kind == RelationKind.Unrelated).ToList();
        RocFigures? Figures(IReadOnlyList<(int I, int J, PairRelation Truth, PairEvidence Evidence, double Weight)> positives, string score)
        {
            var value = Scores.Single(s => s.Name == score).Value;
            var pos = positives.Select(p => value(p.Evidence, p.Weight)).Where(double.IsFinite).ToList();
            var neg = negatives.Select(p => value(p.Evidence, p.Weight)).Where(double.IsFinite).ToList();
            if (pos.Count == 0 || neg.Count == 0) return null;
            return new RocFigures(Round(Roc.Auc(pos, neg)), Round(Roc.TprAt(pos, neg, 0.01)), Round(Roc.TprAt(pos, neg, 0.05)), pos.Count, neg.Count)
            {
                MinZ = Roc.MinZ(pos, neg) is { } z ? Round(z) : null,
            };
        }
        // Fills in any separation (an op's keeps its type: a record's copy is virtual).
        T Separate<T>(T row, IReadOnlyList<(int I, int J, PairRelation Truth, PairEvidence Evidence, double Weight)> positives) where T : Separation =>
            (T)(row with
            {
                Pairs = positives.Count, ReefLayer = Figures(positives, "reef_layer"), BestPair = Figures(positives, "best_pair"),
                Alignment = Figures(positives, "alignment"), Weights = Figures(positives, "weights"),
                AlignedWeights = Figures(positives, "aligned_weights"), VerdictEvidence = Figures(positives, "verdict_evidence"),
            });
        var derived = pairs.Where(p => p.Truth.Kind == RelationKind.Derived).ToList();
        var separation = new SeparationByStrength(Separate(new Separation { Pairs = 0 }, derived.Where(p => p.Truth.Strength == Strength.Light).ToList()),
            Separate(new Separation { Pairs = 0 }, derived.Where(p => p.Truth.Strength == Strength.Heavy).ToList()));
        var byOp = derived.GroupBy(p => (p.Truth.Op, p.Truth.Strength)).OrderBy(g => g.Key.Strength).ThenBy(g => g.Key.Op)
            .Select(g => Separate(new OpSeparation { Pairs = 0, Op = g.Key.Op!, Strength = Name(g.Key.Strength) }, g.ToList())).ToList();

        VerdictCounts Count(IEnumerable<(int I, int J, PairRelation Truth, PairEvidence Evidence, double Weight)> of)
        {
            var list = of.ToList();
            return new VerdictCounts(list.Count(p => p.Evidence.Verdict == Verdict.Derived), list.Count(p => p.Evidence.Verdict == Verdict.Inconclusive),
                list.Count(p => p.Evidence.Verdict == Verdict.Unrelated));
        }
        var confusion = new Confusion(Count(pairs.Where(p => p.Truth.Kind == RelationKind.Derived)),
            Count(pairs.Where(p => p.Truth.Kind == RelationKind.Related)), Count(negatives));

        // Calibration: of the pairs truly unrelated, how many have a p-value at or below each level.
        var withP = negatives.Where(p => p.Evidence.LogP != null).ToList();
        var calibration = new[] { analysis.Verdicts.DerivedAtMost, 0.001, 0.01, 0.05 }.Select(alpha =>
        {
            var below = withP.Count(p => p.Evidence.LogP <= Math.Log(alpha));
            return new CalibrationCheck(alpha, withP.Count, below, withP.Count == 0 ? null : Round(below / (double)withP.Count));
        }).ToList();

        // The hardest unrelated case: sources trained on the same corpus with different seeds.
        var twins = new List<PairVerdict>();
        var sources = known.Where(i => relations[models[i].Id].Strength == Strength.Source).ToList();
        foreach (var a in sources)
        foreach (var b in sources)
            if (a < b && relations[models[a].Id].Parameters.GetValueOrDefault("corpus") is { } corpus
                      && corpus == relations[models[b].Id].Parameters.GetValueOrDefault("corpus") && analysis.Verdicts[a, b] is { } e)
                twins.Add(Pair(models[a].Id, models[b].Id, e, analysis.WeightScore(a, b)));

        var familyOf = new Dictionary<int, int>();
        for (var f = 0; f < analysis.Families.Count; f++)
            foreach (var m in analysis.Families[f]) familyOf[m] = f;
        var ari = AdjustedRandIndex.Of(known.Select(i => relations[models[i].Id].Family).ToList(), known.Select(i => familyOf[i]).ToList());

        LineageAccuracy Lineage(IReadOnlyList<ParentEdge> edges) => LineageAgainstTruth(edges, models, relations);

        return new EvaluationReport
        {
            Run = run, Models = known.Count, MissingFromRegistry = missing,
            Pairs = new PairCounts(derived.Count(p => p.Truth.Strength == Strength.Light), derived.Count(p => p.Truth.Strength == Strength.Heavy),
                pairs.Count(p => p.Truth.Kind == RelationKind.Related), negatives.Count),
            VerdictRule = analysis.Verdicts.Describe(), Separation = separation, ByOp = byOp, Confusion = confusion,
            DerivedLightVerdicts = Count(derived.Where(p => p.Truth.Strength == Strength.Light)),
            DerivedHeavyVerdicts = Count(derived.Where(p => p.Truth.Strength == Strength.Heavy)),
            Calibration = calibration, SameDataOtherSeed = twins,
            Families = new FamilyAgreement(Round(ari), analysis.Families.Count, known.Select(i => relations[models[i].Id].Family).Distinct().Count()),
            Lineage = Lineage(analysis.Lineage), LineageScoresOnly = Lineage(analysis.InferLineage(null)),
        };
    }

    /// <summary>The proposed graph's edges against the truth's (<see cref="LineageAccuracy"/>), over the models the truth knows.</summary>
    public static LineageAccuracy LineageAgainstTruth(IReadOnlyList<ParentEdge> edges, IReadOnlyList<RegistryModel> models, TruthRelations relations)
    {
        var proposed = edges.Where(e => relations.Contains(models[e.Model].Id)).GroupBy(e => models[e.Model].Id)
            .ToDictionary(g => g.Key, g => g.Where(e => e.Parent >= 0).ToDictionary(e => models[e.Parent].Id, e => e));
        int correct = 0, roots = 0, rootsCorrect = 0, trueEdges = 0, proposedEdges = 0, found = 0, typedRight = 0, mergeEdges = 0, mergeFound = 0;
        var wrong = new List<WrongEdge>();
        var confusion = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (id, parents) in proposed.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var truth = relations.Parents(id);
            proposedEdges += parents.Count;
            trueEdges += truth.Count;
            if (truth.Count == 0) roots++;
            if (parents.Keys.ToHashSet().SetEquals(truth))
            {
                correct++;
                if (truth.Count == 0) rootsCorrect++;
            }
            else
            {
                var basis = string.Join(", ", parents.Values.Select(e => e.Basis).Distinct().DefaultIfEmpty("root"));
                wrong.Add(new WrongEdge(id, parents.Count == 0 ? null : string.Join(" + ", parents.Keys.Order(StringComparer.Ordinal)),
                    string.Join(" + ", truth.DefaultIfEmpty("(root)")), basis));
            }
            var model = relations[id];
            var expected = truth.Count == 0 ? null : EdgeTypeEvaluation.Name(EdgeTypeEvaluation.Expected(model));
            foreach (var parent in truth)
            {
                if (model.Op == "merge") mergeEdges++;
                if (!parents.TryGetValue(parent, out var edge)) continue;
                found++;
                if (model.Op == "merge") mergeFound++;
                var typed = edge.Kind is { } kind ? EdgeTypeEvaluation.Name(kind) : "none";
                if (typed == expected) typedRight++;
                if (!confusion.TryGetValue(expected!, out var row)) confusion[expected!] = row = new SortedDictionary<string, int>(StringComparer.Ordinal);
                row[typed] = row.GetValueOrDefault(typed) + 1;
            }
        }
        double? Share(int part, int whole) => whole == 0 ? null : Round(part / (double)whole);
        double? F1(int hits) => proposedEdges + trueEdges == 0 ? null : Round(2.0 * hits / (proposedEdges + trueEdges));
        return new LineageAccuracy(Round(correct / (double)Math.Max(1, proposed.Count)), correct, proposed.Count, rootsCorrect, roots, wrong)
        {
            EdgePrecision = Share(found, proposedEdges), EdgeRecall = Share(found, trueEdges), DirectedEdgeF1 = F1(found), TypedEdgeF1 = F1(typedRight),
            EdgeTypeAccuracy = Share(typedRight, found), MergeParentRecall = Share(mergeFound, mergeEdges),
            TypeConfusion = confusion.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, int>)kv.Value),
        };
    }

    /// <summary>One pair's scores and verdict.</summary>
    public static PairVerdict Pair(string a, string b, PairEvidence e, double weight) =>
        new(a, b, Round(e.Scores.Reef), Round(e.Scores.Alignment), Round(e.Scores.Best), double.IsNaN(weight) ? null : Round(weight), e.PValue,
            Name(e.Verdict), e.Basis);

    static string Name<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;
}
