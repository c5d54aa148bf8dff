using Reef.Engine.Probes;
using Reef.Engine.Similarity;

namespace Reef.Engine.Analysis.Calibration;

/// <summary>
/// Calibrated verdicts for every pair of a registry: each signal's scores are judged against the null fitted on
/// the registry's own unrelated pairs (<see cref="ScoreCalibration"/>), the REEF and weight p-values are combined
/// by Fisher's method where the weight signal is valid, and the combined p-value is the pair's estimated
/// false-positive rate. Where the weights are comparable but not shared beyond chance, the pair is not called
/// derived however alike its representations: that is REEF's known blind spot, two models trained on the same data.
/// A registry too small to fit a null falls back to REEF's fixed bands, and says so.
/// </summary>
public sealed class RegistryVerdicts
{
    public required IReadOnlyList<RegistryModel> Models { get; init; }
    /// <summary>Every scored pair's evidence, in the order of the scored pairs (smaller index first).</summary>
    public required IReadOnlyList<(int A, int B, PairEvidence Evidence)> Judged { get; init; }
    readonly Dictionary<(int, int), PairEvidence> _byPair = new();
    public required VerdictPolicy Policy { get; init; }
    public required ScoreCalibration Reef { get; init; }
    public ScoreCalibration? Weights { get; init; }
    /// <summary>The aligned weight score's calibration; null where no pair had one.</summary>
    public ScoreCalibration? Aligned { get; init; }
    /// <summary>The p-value at or below which a pair is derived.</summary>
    public required double DerivedAtMost { get; init; }
    /// <summary>Set when the registry was too small to calibrate: what the verdicts used instead.</summary>
    public string? Fallback { get; init; }
    /// <summary>Set when the probe set is too small for any verdict: why every pair is "insufficient".</summary>
    public string? Insufficient { get; init; }

    /// <summary>
    /// Each model's representative: the first model with its weights (its <see cref="RegistryModel.ContentKey"/>), itself
    /// for most. A hub may hold one checkpoint under many ids; a large hub's pairs are scored between representatives only.
    /// </summary>
    public required IReadOnlyList<int> Representative { get; init; }

    /// <summary>
    /// The evidence on models <paramref name="i"/> and <paramref name="j"/>, either order: their own pair's, or else their
    /// representatives' (a copy is judged as the weights it holds); null where neither was scored.
    /// </summary>
    public PairEvidence? this[int i, int j] =>
        _byPair.GetValueOrDefault(i < j ? (i, j) : (j, i)) ?? (Representative[i], Representative[j]) switch
        {
            var (a, b) when a == b || (a == i && b == j) => null,
            var (a, b) => _byPair.GetValueOrDefault(a < b ? (a, b) : (b, a)),
        };

    /// <summary>The first model with each model's weights (see <see cref="Representative"/>).</summary>
    public static IReadOnlyList<int> Representatives(IReadOnlyList<RegistryModel> models)
    {
        var first = new Dictionary<string, int>();
        return models.Select((m, i) => first.TryGetValue(m.ContentKey, out var r) ? r : first[m.ContentKey] = i).ToList();
    }

    /// <summary>
    /// Floor on the weight null's scale, in correlation units. Independently trained models' weight scores sit in
    /// a narrow band (0.03–0.09 on the zoos) whose spread comes from what the models share (data, tokenizer), not
    /// from chance, so the registry's spread understates how far an unrelated pair can land: on the quick zoo the
    /// fitted scale was 0.0026 and two models trained on the same data scored 5 of those above. Derived pairs
    /// score 0.48 and up. The floor keeps the p-value from claiming a precision the score does not have.
    /// </summary>
    public const double WeightNullMinimumScale = 0.02;

    /// <summary>The verdicts of a dense matrix's pairs (NaN REEF scores: not scored); <paramref name="weights"/> null: REEF alone.</summary>
    public static RegistryVerdicts Judge(IReadOnlyList<RegistryModel> models, PairScore[,] scores, double[,]? weights, VerdictPolicy? policy = null,
        int? statements = null) =>
        Judge(models, ScoredPairs.FromMatrix(scores, weights), weights != null, policy, statements);

    /// <param name="models">The registry's models.</param>
    /// <param name="scored">The scored pairs: all of a small hub's, or a large hub's candidates and calibration samples.</param>
    /// <param name="useWeights">Whether the weight scores are judged (false: REEF alone).</param>
    /// <param name="policy">The score judged and the error rates.</param>
    /// <param name="statements">Probe statements per fingerprint: too few, and every verdict is "insufficient" (the p-values stay). Null when unknown.</param>
    /// <param name="tests">
    /// How many pairs the familywise error is spread over: the scored ones when every pair is scored (null), the hub's
    /// N(N−1)/2 when candidates are, since the candidate stage looked at every pair to choose them.
    /// </param>
    public static RegistryVerdicts Judge(IReadOnlyList<RegistryModel> models, ScoredPairs scored, bool useWeights, VerdictPolicy? policy = null,
        int? statements = null, long? tests = null)
    {
        var insufficient = statements is { } count ? ProbeRequirements.InsufficientForVerdict(count) : null;
        policy ??= VerdictPolicy.Default;
        var pairs = scored.All.Where(p => !double.IsNaN(p.Reef.Reef) && models[p.A].ContentKey != models[p.B].ContentKey).ToList();
        PairGroup Group(int i, int j) => PairGroup.Of(models[i].Architecture, models[i].Layers, models[j].Architecture, models[j].Layers);

        var reefName = policy.Score.Name();
        var calibration = pairs.Where(p => p.Calibration).ToList();
        var reef = ScoreCalibration.Fit(reefName, calibration.Select(p => (Group(p.A, p.B), policy.Score.Of(p.Reef))).ToList());
        var weightCalibration = !useWeights ? null
            : ScoreCalibration.Fit("weights", calibration.Where(p => !double.IsNaN(p.Weights)).Select(p => (Group(p.A, p.B), p.Weights)).ToList(), WeightNullMinimumScale);
        var alignedCalibration = !useWeights || !calibration.Any(p => !double.IsNaN(p.Aligned)) ? null
            : ScoreCalibration.Fit("aligned_weights", calibration.Where(p => !double.IsNaN(p.Aligned)).Select(p => (Group(p.A, p.B), p.Aligned)).ToList(), WeightNullMinimumScale);
        var derivedAtMost = policy.DerivedAtMost(tests ?? pairs.Count);
        var logDerived = Math.Log(derivedAtMost);
        var logUnrelated = Math.Log(policy.UnrelatedAbove);
        var fallback = reef.Pooled == null
            ? $"{calibration.Count} scored pairs are too few to fit the scores of unrelated models (needs {NullDistribution.MinimumCount}); verdicts use REEF's fixed bands on the REEF layer ({VerdictThresholds.Default.Derived} / {VerdictThresholds.Default.Unrelated}), without an error rate"
            : null;

        var judged = new List<(int, int, PairEvidence)>();
        foreach (var pair in scored.All)
        {
            var (i, j, s) = (pair.A, pair.B, pair.Reef);
            if (double.IsNaN(s.Reef)) continue;
            PairEvidence evidence;
            var group = Group(i, j);
            var reefSignal = Signal(reef, reefName, policy.Score.Of(s), group);
            var weightValue = useWeights ? pair.Weights : double.NaN;
            var weightSignal = double.IsNaN(weightValue) ? null : Signal(weightCalibration!, "weights", weightValue, group);
            var alignedSignal = alignedCalibration == null || double.IsNaN(pair.Aligned) ? null : Signal(alignedCalibration, "aligned_weights", pair.Aligned, group);
            var weightsLogP = WeightsLogP(weightSignal, alignedSignal);
            if (models[i].ContentKey == models[j].ContentKey)
                evidence = new PairEvidence(s, reefSignal, weightSignal, double.NegativeInfinity, Verdict.Derived, "same weights", alignedSignal);
            else if (insufficient != null)
                evidence = new PairEvidence(s, reefSignal, weightSignal, Combined(reefSignal.LogP, weightsLogP), Verdict.Insufficient, insufficient, alignedSignal);
            else if (fallback != null)
                evidence = new PairEvidence(s, reefSignal, weightSignal, null, VerdictThresholds.Default.Judge(s.Reef), "fixed bands (registry too small to calibrate)", alignedSignal);
            else
            {
                var logP = Combined(reefSignal.LogP, weightsLogP)!.Value;
                // Weights far above the null mean shared parameters: derived by definition. Where the weights are
                // comparable, "derived" needs them to clear the bar on their own: representations alike without shared
                // parameters are models trained on the same data (or distilled), which REEF alone cannot tell from a
                // derivative.
                var weightsShared = weightsLogP is not { } logWeights || logWeights <= logDerived;
                var verdict = logP <= logDerived && weightsShared ? Verdict.Derived
                    : logP > logUnrelated ? Verdict.Unrelated : Verdict.Inconclusive;
                var basis = weightsLogP != null ? $"{reefName} and weights combined" : reefName;
                if (!weightsShared && logP <= logDerived) basis = $"{reefName} alike but weights not shared (same training data or distillation?)";
                evidence = new PairEvidence(s, reefSignal, weightSignal, logP, verdict, basis, alignedSignal);
            }
            judged.Add((i, j, evidence));
        }
        var verdicts = new RegistryVerdicts
        {
            Models = models, Judged = judged, Policy = policy, Reef = reef, Weights = weightCalibration, Aligned = alignedCalibration, DerivedAtMost = derivedAtMost, Fallback = fallback,
            Insufficient = insufficient, Representative = Representatives(models),
        };
        foreach (var (i, j, e) in judged) verdicts._byPair[(i, j)] = e;
        return verdicts;
    }

    /// <summary>The verdict rule and the nulls it used, as matrix.json and eval.json state it.</summary>
    public VerdictRule Describe()
    {
        static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;
        static IReadOnlyList<NullSummary> Nulls(ScoreCalibration? c) =>
            (c?.Nulls ?? []).Select(n => new NullSummary(n.Group, n.Count, Round(n.Location), Round(n.Scale), Round(n.Max))).ToList();
        var weights = Aligned != null ? "weights and aligned weights (the smaller p doubled; Fisher's method with REEF, where valid)"
            : Weights != null ? "weights (Fisher's method, where valid)" : null;
        return new VerdictRule(Policy.Score.Name(), weights, DerivedAtMost, Policy.FamilywiseError, Policy.UnrelatedAbove, Fallback, Nulls(Reef), Nulls(Weights),
            Insufficient) { AlignedWeightNulls = Nulls(Aligned) };
    }

    /// <summary>
    /// ln p of the weights' say: the signature's and the aligned score's are two tests of one hypothesis (shared parameters)
    /// and far from independent, so they are not multiplied: the smaller p-value counts, doubled (Bonferroni). Null when
    /// neither is calibrated.
    /// </summary>
    static double? WeightsLogP(SignalEvidence? signature, SignalEvidence? aligned) => (signature?.LogP, aligned?.LogP) switch
    {
        ({ } s, { } a) => Math.Min(0, Math.Min(s, a) + Math.Log(2)),
        ({ } s, null) => s,
        (null, { } a) => a,
        _ => null,
    };

    /// <summary>ln of the combined p-value: Fisher's method over the calibrated signals present; null when none is calibrated.</summary>
    static double? Combined(double? reef, double? weights)
    {
        var logs = new[] { reef, weights }.OfType<double>().ToList();
        return logs.Count switch { 0 => null, 1 => logs[0], _ => NormalTail.LogFisher(logs) };
    }

    static SignalEvidence Signal(ScoreCalibration calibration, string name, double value, PairGroup group) =>
        calibration.For(group) is { } fitted ? new SignalEvidence(name, value, fitted.LogPValue(value), fitted.Group) : new SignalEvidence(name, value, null, null);
}
