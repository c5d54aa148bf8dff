using Reef.Engine.Analysis.Evaluation;
using Reef.Engine.Hubs;
using Reef.Engine.Lab.Zoo;

namespace Reef.Engine.Tests;

public class EvaluationTests
{
    [Fact]
    public void AucCountsWinsAndHalfTies()
    {
        Assert.Equal(1, Roc.Auc([0.9, 0.8], [0.1, 0.2, 0.3]));
        Assert.Equal(0, Roc.Auc([0.1], [0.5, 0.6]));
        Assert.Equal(0.5, Roc.Auc([0.5], [0.5]));
        Assert.Equal(5.0 / 6, Roc.Auc([0.25, 0.9], [0.1, 0.2, 0.3]), 12);
    }

    [Fact]
    public void TprAtFprAllowsTheStatedShareOfNegativesAbove()
    {
        var negatives = Enumerable.Range(0, 100).Select(i => i / 100.0).ToList(); // 0.00 … 0.99
        double[] positives = [0.995, 0.985, 0.975, 0.5];
        // 1 % of 100: one negative (0.99) may be above; the threshold is the second highest, 0.98.
        Assert.Equal(0.5, Roc.TprAt(positives, negatives, 0.01));
        Assert.Equal(0.75, Roc.TprAt(positives, negatives, 0.02));
        Assert.Equal(0.25, Roc.TprAt(positives, negatives, 0.0));
    }

    [Fact]
    public void AdjustedRandIndexMatchesTheReference()
    {
        Assert.Equal(1, AdjustedRandIndex.Of(["a", "a", "b", "b"], [7, 7, 3, 3]));
        // scikit-learn: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714
        Assert.Equal(0.5714285714, AdjustedRandIndex.Of([0, 0, 1, 1], [0, 0, 1, 2]), 9);
        Assert.True(AdjustedRandIndex.Of([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2]) < 0);
    }

    static GroundTruthModel M(string id, string family, string? parent, string op, Strength s, string? with = null, string? second = null) =>
        new(id, family, parent, op, s, with == null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["with"] = with }, second);

    [Fact]
    public void TruthRelationsFollowParentsMergesAndHeavySteps()
    {
        var truth = new TruthRelations(
        [
            M("a", "a", null, "train", Strength.Source), M("b", "b", null, "train", Strength.Source),
            M("a.ft", "a", "a", "finetune", Strength.Light), M("a.ft.ft", "a", "a.ft", "finetune", Strength.Light),
            M("a.p90", "a", "a", "prune", Strength.Heavy), M("a.p90.rec", "a", "a.p90", "finetune", Strength.Heavy),
            M("a.merge", "a", "a", "merge", Strength.Light, with: "a.ft"), M("a.x.b", "a", "a", "merge", Strength.Heavy, with: "b", second: "b"),
            M("a.perm", "a", "a", "permute", Strength.Light),
        ]);
        Assert.Equal(new PairRelation(RelationKind.Derived, "finetune", Strength.Light), truth.Of("a", "a.ft.ft"));
        Assert.Equal(new PairRelation(RelationKind.Derived, "finetune", Strength.Heavy), truth.Of("a.p90.rec", "a"));
        Assert.Equal(new PairRelation(RelationKind.Derived, "merge", Strength.Light), truth.Of("a.ft", "a.merge"));
        Assert.Equal(RelationKind.Derived, truth.Of("b", "a.x.b").Kind);
        Assert.Equal(RelationKind.Related, truth.Of("a.perm", "a.ft").Kind);
        Assert.Equal(RelationKind.Unrelated, truth.Of("b", "a.ft").Kind);
        Assert.Equal(["a", "a.ft"], truth.Parents("a.merge"));
        Assert.Equal(["a", "b"], truth.Parents("a.x.b"));
    }
}
