using Reef.Engine.Fingerprints;
using Reef.Engine.Hubs;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;

namespace Reef.Engine.Lab.Zoo;

/// <summary>One model against one source: REEF-layer and best-pair linear CKA, standardized (REEF) and plain centered.</summary>
public sealed record ZooScore(string Model, string Source, double Reef, double ReefCentered, double Best, double BestCentered, Verdict Verdict);

/// <summary>Whether the hub's light derivatives (but the attacks on REEF) separate from its unrelated pairs, under one summary.</summary>
/// <param name="Summary">"reef layer" or "best pair".</param>
/// <param name="LowestLight">Lowest score of a light derivative against its own source (rotate: centered).</param>
/// <param name="LowestLightModel">Which model that is.</param>
/// <param name="HighestUnrelated">Highest score of any model against a source it does not descend from (standardized).</param>
/// <param name="HighestUnrelatedPair">Which pair that is.</param>
/// <param name="HighestUnrelatedCentered">The same under centered CKA (what rotate is held against).</param>
public sealed record Separation(string Summary, double LowestLight, string LowestLightModel, double HighestUnrelated, string HighestUnrelatedPair,
    double HighestUnrelatedCentered)
{
    public bool Holds => LowestLight > HighestUnrelated && LowestLight > HighestUnrelatedCentered;
}

/// <summary>Every model of a zoo hub against every source, judged against the hub's ground truth.</summary>
public sealed record ZooReport(IReadOnlyList<GroundTruthModel> Models, IReadOnlyList<string> Sources, IReadOnlyList<ZooScore> Scores,
    IReadOnlyList<Separation> Separations, string SameSeedPair, Verdict SameSeedVerdict, int Statements)
{
    /// <summary>The score of <paramref name="model"/> against <paramref name="source"/>.</summary>
    public ZooScore Score(string model, string source) => Scores.First(s => s.Model == model && s.Source == source);

    /// <summary>Fingerprints every model of <paramref name="hub"/> (cached under .fingerprints/) and scores them.</summary>
    public static ZooReport Evaluate(string hub, ProbeSet probes, ComputeOptions compute, Func<string, IProgress<ProgressUpdate>> progress)
    {
        var models = GroundTruth.ReadHub(hub);
        var cache = Path.Combine(hub, ".fingerprints");
        Directory.CreateDirectory(cache);
        var fingerprints = models.ToDictionary(m => m.Id, m =>
        {
            var file = Path.Combine(cache, $"{m.Id}.{probes.Hash[..12]}.reef");
            if (File.Exists(file)) return FingerprintFile.Read(file);
            var fingerprint = FingerprintBuilder.Build(Path.Combine(hub, m.Id), probes, compute, 16, progress(m.Id));
            FingerprintFile.Write(fingerprint, file);
            return fingerprint;
        });
        var sources = models.Where(m => m.Strength == Strength.Source).Select(m => m.Id).ToList();
        var scores = new List<ZooScore>();
        foreach (var m in models)
        foreach (var s in sources)
        {
            var standardized = Comparison.Of(fingerprints[s], fingerprints[m.Id]);
            var centered = Comparison.Of(fingerprints[s], fingerprints[m.Id], Kernel.Linear, Preprocessing.Centered);
            scores.Add(new ZooScore(m.Id, s, standardized.ReefLayer.Cka, centered.ReefLayer.Cka, standardized.BestPair.Cka,
                centered.BestPair.Cka, standardized.Verdict));
        }
        var byPair = scores.ToDictionary(s => (s.Model, s.Source));
        Separation Separate(string summary, Func<ZooScore, double> standardized, Func<ZooScore, double> centered)
        {
            var light = models.Where(m => m.Strength == Strength.Light && !m.AttacksReef)
                .Select(m => (m.Id, Score: m.Op == "rotate" ? centered(byPair[(m.Id, m.Family)]) : standardized(byPair[(m.Id, m.Family)])))
                .MinBy(x => x.Score);
            var unrelated = scores.Where(s => !models.First(m => m.Id == s.Model).DescendsFrom(s.Source)).ToList();
            var worst = unrelated.MaxBy(standardized)!;
            return new Separation(summary, light.Score, light.Id, standardized(worst), $"{worst.Model} vs {worst.Source}", unrelated.Max(centered));
        }
        // The hardest unrelated case: two sources trained on the same corpus, differing only by seed.
        var twins = models.Where(m => m.Strength == Strength.Source).GroupBy(m => m.Parameters.GetValueOrDefault("corpus")).FirstOrDefault(g => g.Count() > 1)?.ToList();
        var sameSeed = twins != null ? (Model: twins[1].Id, Source: twins[0].Id) : (Model: sources[0], Source: sources[0]);
        return new ZooReport(models, sources, scores,
            [Separate("reef layer", s => s.Reef, s => s.ReefCentered), Separate("best pair", s => s.Best, s => s.BestCentered)],
            $"{sameSeed.Model} vs {sameSeed.Source}", byPair[sameSeed].Verdict, probes.Count);
    }
}
