using Reef.Engine.Hubs;
using Reef.Engine.Lab.Training;

namespace Reef.Engine.Lab.Zoo;

/// <summary>A source family of the zoo: which corpus it is trained on, with which seed.</summary>
public sealed record ZooSource(string Id, string Corpus, long Seed, string OtherCorpus);

/// <summary>
/// What the zoo holds. Several independently trained sources (different corpora and seeds, and one pair that
/// shares corpus and architecture and differs only by seed, the hardest unrelated case); from each, a
/// derivative of every op, light ones as a hub meets them (small, low-rate fine-tunes on data close to the
/// original), an adaptive attack on REEF (<c>evade</c>: a fine-tune that pushes REEF's CKA to its parent down) and heavy
/// ones labelled as such; a second-generation fine-tune; a merge of two families and one of three fine-tunes; continued
/// pre-training on another corpus.
/// </summary>
public sealed record ZooPlan(ModelSize Size, IReadOnlyList<ZooSource> Sources)
{
    /// <summary>Fine-tuning steps and rates, small next to pre-training (quick: 500 steps at 3e-3).</summary>
    public int LightSteps => Size.Steps / 8;
    public const double LightRate = 3e-4;
    public int HeavySteps => Size.Steps * 3 / 5;
    public double HeavyRate => Size.LearningRate * 0.7;
    public int RecoverySteps => Size.Steps / 5;

    public static ZooPlan For(ModelSize size, long seed) => new(size,
    [
        new ZooSource("scripture-a", "scripture", seed, "fortunes"),
        new ZooSource("scripture-b", "scripture", seed + 1, "jargon"),
        new ZooSource("fortunes-a", "fortunes", seed + 2, "jargon"),
        new ZooSource("jargon-a", "jargon", seed + 3, "scripture"),
    ]);

    /// <summary>Every model in build order: each after its parents.</summary>
    public IEnumerable<GroundTruthModel> Models()
    {
        static Dictionary<string, string> P(params (string, string)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);
        foreach (var s in Sources)
        {
            var id = s.Id;
            yield return new GroundTruthModel(id, id, null, "train", Strength.Source, P(("corpus", s.Corpus), ("seed", s.Seed.ToString())));
            GroundTruthModel Derived(string name, string op, Strength strength, Dictionary<string, string> parameters, string? parent = null) =>
                new($"{id}.{name}", id, parent ?? id, op, strength, parameters);

            yield return Derived("permute", "permute", Strength.Light, P());
            yield return Derived("scale", "scale", Strength.Light, P(("factor", "2")));
            yield return Derived("rotate", "rotate", Strength.Light, P());
            yield return Derived("prune-30", "prune", Strength.Light, P(("sparsity", "0.3"), ("structured", "no")));
            yield return Derived("prune-ffn-25", "prune", Strength.Light, P(("sparsity", "0.25"), ("structured", "ffn")));
            yield return Derived("quantize-8", "quantize", Strength.Light, P(("bits", "8")));
            yield return Derived("noise-1pct", "noise", Strength.Light, P(("std", "0.01")));
            yield return Derived("finetune", "finetune", Strength.Light,
                P(("text", s.Corpus + ".finetune"), ("steps", LightSteps.ToString()), ("lr", LightRate.ToString("R"))));
            yield return Derived("finetune.finetune", "finetune", Strength.Light,
                P(("text", s.Corpus + ".finetune"), ("steps", LightSteps.ToString()), ("lr", LightRate.ToString("R"))), parent: $"{id}.finetune");
            yield return Derived("evade", "evade", Strength.Light,
                P(("text", s.Corpus + ".finetune"), ("steps", LightSteps.ToString()), ("lr", LightRate.ToString("R")), ("weight", "1")));
            yield return Derived("merge-finetune", "merge", Strength.Light, P(("with", $"{id}.finetune"), ("method", "linear"), ("alpha", "0.5")));
            yield return Derived("quantize-4", "quantize", Strength.Heavy, P(("bits", "4")));
            yield return Derived("prune-90", "prune", Strength.Heavy, P(("sparsity", "0.9"), ("structured", "no")));
            yield return Derived("prune-90.recovered", "finetune", Strength.Heavy,
                P(("text", s.Corpus + ".finetune"), ("steps", RecoverySteps.ToString()), ("lr", "0.001")), parent: $"{id}.prune-90");
            yield return Derived("prune-layers-25", "prune", Strength.Heavy, P(("sparsity", "0.25"), ("structured", "layers")));
            yield return Derived("finetune-heavy", "finetune", Strength.Heavy,
                P(("text", s.OtherCorpus + ".finetune"), ("steps", HeavySteps.ToString()), ("lr", HeavyRate.ToString("R"))));
        }
        var (a, b) = (Sources[0].Id, Sources[2].Id);
        yield return new GroundTruthModel($"{a}.merge-{b}", a, a, "merge", Strength.Heavy, P(("with", b), ("method", "linear"), ("alpha", "0.5")), SecondParent: b);
        // A merge as hubs hold them beyond the even pair: a soup of three fine-tunes of one source at uneven weights (none in
        // the others' span, so the parents are unambiguous).
        var d = Sources[3].Id;
        yield return new GroundTruthModel($"{d}.merge-three", d, $"{d}.finetune.finetune", "merge", Strength.Heavy,
            P(("with", $"{d}.finetune-heavy,{d}.evade"), ("method", "linear"), ("alpha", "0.35,0.25")));
        // Continued pre-training as hubs hold it (a code model trained on from a base): twice the source's pre-training, at
        // its rate, on another corpus. Where invariant products like the weight signature fall (AWM) and the aligned
        // weight score is meant to hold.
        var c = Sources[0];
        yield return new GroundTruthModel($"{c.Id}.continued", c.Id, c.Id, "finetune", Strength.Heavy,
            P(("text", c.OtherCorpus + ".pretrain"), ("steps", (2 * Size.Steps).ToString()), ("lr", Size.LearningRate.ToString("R"))));
    }
}
