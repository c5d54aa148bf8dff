using System.Text.Json.Nodes;
using Reef.Engine.Analysis;
using Reef.Engine.Calibration;
using Reef.Engine.Families;
using Reef.Engine.Similarity;
using Reef.Engine.Zoo;

namespace Reef.Engine.Evaluation;

/// <summary>
/// A registry's analysis held against ground truth: how well each score separates derived from unrelated pairs
/// (AUC, TPR at 1 % and 5 % FPR, by op and light/heavy), the verdicts' confusion matrix and calibration, the
/// families' adjusted Rand index, and the lineage's edge accuracy. Written as eval.json and shown in the report.
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
        ("verdict_evidence", (e, _) => e.LogP is { } l ? -l : double.NaN),
    ];

    public static JsonObject Evaluate(RegistryAnalysis analysis, IReadOnlyList<ZooModel> truth, JsonObject run)
    {
        var relations = new TruthRelations(truth);
        var models = analysis.Models;
        var known = Enumerable.Range(0, models.Count).Where(i => relations.Contains(models[i].Id)).ToList();
        var missing = truth.Select(t => t.Id).Except(known.Select(i => models[i].Id)).Order().ToList();

        var pairs = new List<(int I, int J, PairRelation Truth, PairEvidence Evidence, double Weight)>();
        foreach (var i in known)
        foreach (var j in known)
            if (i < j && analysis.Verdicts[i, j] is { } e)
                pairs.Add((i, j, relations.Of(models[i].Id, models[j].Id), e, analysis.Weights?[i, j] ?? double.NaN));

        var negatives = pairs.Where(p => p.Truth.Kind == RelationKind.Unrelated).ToList();
        JsonObject Separation(IReadOnlyList<(int I, int J, PairRelation Truth, PairEvidence Evidence, double Weight)> positives)
        {
            var result = new JsonObject { ["pairs"] = positives.Count };
            foreach (var (name, value) in Scores)
            {
                var pos = positives.Select(p => value(p.Evidence, p.Weight)).Where(double.IsFinite).ToList();
                var neg = negatives.Select(p => value(p.Evidence, p.Weight)).Where(double.IsFinite).ToList();
                if (pos.Count == 0 || neg.Count == 0) continue;
                result[name] = new JsonObject
                {
                    ["auc"] = Round(Roc.Auc(pos, neg)), ["tpr_at_1pct_fpr"] = Round(Roc.TprAt(pos, neg, 0.01)),
                    ["tpr_at_5pct_fpr"] = Round(Roc.TprAt(pos, neg, 0.05)), ["positives"] = pos.Count, ["negatives"] = neg.Count,
                };
            }
            return result;
        }
        var derived = pairs.Where(p => p.Truth.Kind == RelationKind.Derived).ToList();
        var byStrength = new JsonObject();
        foreach (var strength in new[] { Strength.Light, Strength.Heavy })
            byStrength[Name(strength)] = Separation(derived.Where(p => p.Truth.Strength == strength).ToList());
        var byOp = new JsonArray();
        foreach (var g in derived.GroupBy(p => (p.Truth.Op, p.Truth.Strength)).OrderBy(g => g.Key.Strength).ThenBy(g => g.Key.Op))
        {
            var row = Separation(g.ToList());
            row["op"] = g.Key.Op;
            row["strength"] = Name(g.Key.Strength);
            byOp.Add(row);
        }

        var verdictNames = new[] { Verdict.Derived, Verdict.Inconclusive, Verdict.Unrelated };
        var confusion = new JsonObject();
        foreach (var kind in new[] { RelationKind.Derived, RelationKind.Related, RelationKind.Unrelated })
        {
            var row = new JsonObject();
            foreach (var v in verdictNames) row[Name(v)] = pairs.Count(p => p.Truth.Kind == kind && p.Evidence.Verdict == v);
            confusion[kind.ToString().ToLowerInvariant()] = row;
        }
        var heavyDerived = new JsonObject();
        foreach (var v in verdictNames) heavyDerived[Name(v)] = derived.Count(p => p.Truth.Strength == Strength.Heavy && p.Evidence.Verdict == v);
        var lightDerived = new JsonObject();
        foreach (var v in verdictNames) lightDerived[Name(v)] = derived.Count(p => p.Truth.Strength == Strength.Light && p.Evidence.Verdict == v);

        // Calibration: of the pairs truly unrelated, how many have a p-value at or below each level.
        var calibration = new JsonArray();
        foreach (var alpha in new[] { analysis.Verdicts.DerivedAtMost, 0.001, 0.01, 0.05 })
        {
            var withP = negatives.Where(p => p.Evidence.LogP != null).ToList();
            calibration.Add(new JsonObject
            {
                ["alpha"] = alpha, ["unrelated_pairs"] = withP.Count,
                ["at_or_below"] = withP.Count(p => p.Evidence.LogP <= Math.Log(alpha)),
                ["observed_rate"] = withP.Count == 0 ? null : Round(withP.Count(p => p.Evidence.LogP <= Math.Log(alpha)) / (double)withP.Count),
            });
        }

        // The hardest unrelated case: sources trained on the same corpus with different seeds.
        var twins = new JsonArray();
        var sources = known.Where(i => relations[models[i].Id].Strength == Strength.Source).ToList();
        foreach (var a in sources)
        foreach (var b in sources)
            if (a < b && relations[models[a].Id].Parameters.GetValueOrDefault("corpus") is { } corpus
                      && corpus == relations[models[b].Id].Parameters.GetValueOrDefault("corpus") && analysis.Verdicts[a, b] is { } e)
                twins.Add(Pair(models[a].Id, models[b].Id, e, analysis.Weights?[a, b] ?? double.NaN));

        var familyOf = new Dictionary<int, int>();
        for (var f = 0; f < analysis.Families.Count; f++)
            foreach (var m in analysis.Families[f]) familyOf[m] = f;
        var ari = AdjustedRandIndex.Of(known.Select(i => relations[models[i].Id].Family).ToList(), known.Select(i => familyOf[i]).ToList());

        JsonObject Lineage(IReadOnlyList<ParentEdge> edges)
        {
            int correct = 0, roots = 0, rootsCorrect = 0;
            var wrong = new JsonArray();
            foreach (var edge in edges.Where(e => relations.Contains(models[e.Model].Id)))
            {
                var id = models[edge.Model].Id;
                var parents = relations.Parents(id);
                var proposed = edge.Parent < 0 ? null : models[edge.Parent].Id;
                var isRoot = parents.Count == 0;
                var ok = isRoot ? proposed == null : proposed != null && parents.Contains(proposed);
                if (isRoot) { roots++; if (ok) rootsCorrect++; }
                if (ok) correct++;
                else wrong.Add(new JsonObject { ["model"] = id, ["proposed"] = proposed, ["truth"] = string.Join(" | ", parents.DefaultIfEmpty("(root)")), ["basis"] = edge.Basis });
            }
            var total = edges.Count(e => relations.Contains(models[e.Model].Id));
            return new JsonObject
            {
                ["edge_accuracy"] = Round(correct / (double)Math.Max(1, total)), ["correct"] = correct, ["models"] = total,
                ["roots_found"] = rootsCorrect, ["roots"] = roots, ["wrong"] = wrong,
            };
        }

        return new JsonObject
        {
            ["run"] = run,
            ["models"] = known.Count, ["missing_from_registry"] = new JsonArray(missing.Select(m => (JsonNode?)m).ToArray()),
            ["pairs"] = new JsonObject
            {
                ["derived_light"] = derived.Count(p => p.Truth.Strength == Strength.Light), ["derived_heavy"] = derived.Count(p => p.Truth.Strength == Strength.Heavy),
                ["related"] = pairs.Count(p => p.Truth.Kind == RelationKind.Related), ["unrelated"] = negatives.Count,
            },
            ["verdict_rule"] = analysis.Verdicts.Describe(),
            ["separation"] = byStrength, ["by_op"] = byOp,
            ["confusion"] = confusion, ["derived_light_verdicts"] = lightDerived, ["derived_heavy_verdicts"] = heavyDerived,
            ["calibration"] = calibration, ["same_data_other_seed"] = twins,
            ["families"] = new JsonObject { ["ari"] = Round(ari), ["proposed"] = analysis.Families.Count, ["truth"] = known.Select(i => relations[models[i].Id].Family).Distinct().Count() },
            ["lineage"] = Lineage(analysis.Lineage),
            ["lineage_scores_only"] = Lineage(analysis.InferLineage(null)),
        };
    }

    /// <summary>One pair's scores and verdict, as JSON.</summary>
    public static JsonObject Pair(string a, string b, PairEvidence e, double weight) => new()
    {
        ["a"] = a, ["b"] = b, ["reef_layer"] = Round(e.Scores.Reef), ["alignment"] = Round(e.Scores.Alignment), ["best_pair"] = Round(e.Scores.Best),
        ["weights"] = double.IsNaN(weight) ? null : Round(weight), ["p_value"] = e.PValue, ["verdict"] = Name(e.Verdict), ["basis"] = e.Basis,
    };

    static string Name<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;
}
