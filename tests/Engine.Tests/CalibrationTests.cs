using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;

namespace Reef.Engine.Tests;

public class CalibrationTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.6448536269514722, 0.05)]
    [InlineData(-1.6448536269514722, 0.95)]
    [InlineData(3.090232306167813, 0.001)]
    public void NormalTailMatchesTheQuantiles(double z, double p) =>
        Assert.Equal(Math.Log(p), NormalTail.LogSurvival(z), 5);

    [Fact]
    public void NormalTailStaysFiniteFarOut()
    {
        // ln Q(40) = −804.608… (Q(z) ≈ φ(z)/z · (1 − 1/z²)).
        var asymptotic = -40.0 * 40 / 2 - Math.Log(40 * Math.Sqrt(2 * Math.PI)) + Math.Log(1 - 1 / 1600.0);
        Assert.Equal(asymptotic, NormalTail.LogSurvival(40), 3);
    }

    [Fact]
    public void FisherCombinationMatchesTheChiSquareTail()
    {
        // Two p-values of 0.05: X = 11.98 on 4 degrees of freedom, p = e^(−X/2)(1 + X/2) = 0.017478.
        Assert.Equal(0.0174787, Math.Exp(NormalTail.LogFisher([Math.Log(0.05), Math.Log(0.05)])), 6);
        Assert.Equal(Math.Log(0.3), NormalTail.LogFisher([Math.Log(0.3)]), 9);
        Assert.True(NormalTail.LogFisher([-800, -900]) < -1600); // no underflow to −∞ or NaN
    }

    static IEnumerable<double> Normal(Random random, int count, double mean, double sd) =>
        Enumerable.Range(0, count).Select(_ => mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    [Fact]
    public void NullFitIgnoresTheDerivedPairsAboveIt()
    {
        var random = new Random(1);
        var scores = Normal(random, 1000, 0.2, 0.03).Concat(Normal(random, 250, 0.9, 0.05)).ToList();
        var fitted = NullDistribution.Fit("test", scores)!;
        Assert.InRange(fitted.Location, 0.195, 0.205);
        Assert.InRange(fitted.Scale, 0.026, 0.034);
        Assert.InRange(fitted.Count, 950, 1000);
        Assert.True(fitted.LogPValue(0.9) < Math.Log(1e-50));
        Assert.Null(NullDistribution.Fit("small", scores.Take(NullDistribution.MinimumCount - 1)));
    }

    static RegistryModel Model(int i, int layers = 4) => new($"m{i}", "LlamaForCausalLM", layers, 64, 1000, $"key{i}");

    /// <summary>A registry of <paramref name="families"/> families of <paramref name="size"/>: derived pairs score ~0.9, others ~0.2.</summary>
    static (List<RegistryModel> Models, PairScore[,] Scores, double[,] Weights) Registry(int families, int size, int seed = 2)
    {
        var random = new Random(seed);
        var n = families * size;
        var models = Enumerable.Range(0, n).Select(i => Model(i)).ToList();
        var scores = new PairScore[n, n];
        var weights = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = i; j < n; j++)
        {
            var same = i / size == j / size;
            var s = i == j ? 1 : same ? 0.9 + 0.05 * random.NextDouble() : 0.2 + 0.03 * (random.NextDouble() - 0.5);
            var w = i == j ? 1 : same ? 0.8 : 0.06 + 0.01 * (random.NextDouble() - 0.5);
            scores[i, j] = scores[j, i] = new PairScore(s, s, s);
            weights[i, j] = weights[j, i] = w;
        }
        return (models, scores, weights);
    }

    [Fact]
    public void CalibratedVerdictsCarryPValuesAndSeparateFamilies()
    {
        var (models, scores, weights) = Registry(4, 5);
        var verdicts = RegistryVerdicts.Judge(models, scores, weights);
        Assert.Null(verdicts.Fallback);
        Assert.Equal(Verdict.Derived, verdicts[0, 1]!.Verdict);
        Assert.True(verdicts[0, 1]!.PValue < verdicts.DerivedAtMost);
        Assert.Equal("alignment and weights combined", verdicts[0, 1]!.Basis);
        Assert.NotEqual(Verdict.Derived, verdicts[0, 19]!.Verdict);
        Assert.InRange(verdicts[0, 19]!.PValue!.Value, 1e-4, 1);
        Assert.Equal(0.05 / (20 * 19 / 2), verdicts.DerivedAtMost, 12);
    }

    [Fact]
    public void WeightsAtChanceVetoDerivedHoweverAlikeTheRepresentations()
    {
        var (models, scores, weights) = Registry(4, 5);
        // Models 0 and 19: representations as alike as a derivative's, weights as independent as any unrelated pair.
        scores[0, 19] = scores[19, 0] = new PairScore(0.92, 0.92, 0.92);
        var verdicts = RegistryVerdicts.Judge(models, scores, weights);
        Assert.Equal(Verdict.Inconclusive, verdicts[0, 19]!.Verdict);
        Assert.Contains("weights not shared", verdicts[0, 19]!.Basis);
        // Without the weight signal, REEF alone calls it derived.
        Assert.Equal(Verdict.Derived, RegistryVerdicts.Judge(models, scores, null)[0, 19]!.Verdict);
    }

    [Fact]
    public void ARegistryTooSmallToCalibrateFallsBackToTheFixedBandsAndSaysSo()
    {
        var (models, scores, _) = Registry(2, 3);
        var verdicts = RegistryVerdicts.Judge(models, scores, null);
        Assert.NotNull(verdicts.Fallback);
        Assert.Contains("fixed bands", verdicts.Fallback);
        Assert.Null(verdicts[0, 1]!.PValue);
        Assert.Equal(Verdict.Derived, verdicts[0, 1]!.Verdict);
        Assert.Equal(Verdict.Unrelated, verdicts[0, 4]!.Verdict);
    }

    [Fact]
    public void TooFewProbeStatementsMakeEveryVerdictInsufficientButKeepThePValues()
    {
        var (models, scores, weights) = Registry(4, 5);
        var verdicts = RegistryVerdicts.Judge(models, scores, weights, statements: ProbeRequirements.MinimumForVerdict - 1);
        Assert.All(Pairs(20), p => Assert.Equal(Verdict.Insufficient, verdicts[p.I, p.J]!.Verdict));
        Assert.Contains("insufficient probes", verdicts[0, 1]!.Basis);
        Assert.True(verdicts[0, 1]!.PValue < verdicts.DerivedAtMost);
        Assert.NotNull(verdicts.Describe().Insufficient);
        var enough = RegistryVerdicts.Judge(models, scores, weights, statements: ProbeRequirements.MinimumForVerdict);
        Assert.Equal(Verdict.Derived, enough[0, 1]!.Verdict);
        Assert.Null(enough.Describe().Insufficient);
    }

    static IEnumerable<(int I, int J)> Pairs(int n) => from i in Enumerable.Range(0, n) from j in Enumerable.Range(i + 1, n - i - 1) select (i, j);

    [Fact]
    public void NullsAreFittedPerDepthPairingWhereThereAreEnoughAndPooledElse()
    {
        var (models, scores, _) = Registry(6, 5);
        models[0] = Model(0, layers: 3); // one layer-pruned model: its 29 pairs are too few for a group of their own
        var verdicts = RegistryVerdicts.Judge(models, scores, null);
        Assert.Equal("LlamaForCausalLM×LlamaForCausalLM", verdicts[0, 29]!.Reef.Null);
        Assert.Equal("LlamaForCausalLM×LlamaForCausalLM, 4×4 layers", verdicts[1, 29]!.Reef.Null);
    }
}
