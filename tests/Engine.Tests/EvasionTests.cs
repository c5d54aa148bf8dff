using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Lab.Training;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>`reef derive evade`, the adaptive attack on REEF: what it minimizes is what a fingerprint measures, and it bites.</summary>
public class EvasionTests
{
    [Fact]
    public void TheAttacksLossIsTheFingerprintsCka()
    {
        var random = new Random(5);
        const int n = 40;
        var x = Enumerable.Range(0, n * 16).Select(_ => (float)random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, n * 24).Select(i => x[i / 24 * 16 + i % 16] * 2 + (float)random.NextDouble()).ToArray();
        var expected = Cka.Compute(x, 16, y, 24, n, Kernel.Linear, Preprocessing.Standardized);
        using var loss = RepresentationCka.Linear(tensor(x, [n, 16]), tensor(y, [n, 24]));
        Assert.InRange(expected, 0.2, 0.95);
        Assert.Equal(expected, loss.item<float>(), 4);
    }

    [Fact]
    public void EvasionPushesReefsCkaBelowAPlainFineTunesOnTheSameText()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("text.txt"), TrainingTests.Text);
        RandomModel.WriteCheckpoint(temp.Sub("m"), RandomModel.SmallLlama(hidden: 32, layers: 2, heads: 2, kvHeads: 1, ffn: 64), seed: 1);
        var probes = ProbeLoader.Load(null, 64);
        var plain = Evasion.Apply(temp.Sub("m"), temp.Sub("plain"), temp.Sub("text.txt"), probes, 30, 3e-3, weight: 0, seed: 4);
        var evaded = Evasion.Apply(temp.Sub("m"), temp.Sub("evaded"), temp.Sub("text.txt"), probes, 30, 3e-3, weight: 1, seed: 4);
        // Same parent, same held-out tokens; both learned the text; only the attack pushed the representations away.
        Assert.Equal(plain.ParentHeldOutLoss, evaded.ParentHeldOutLoss);
        Assert.True(plain.HeldOutLoss < plain.ParentHeldOutLoss, plain.Summary);
        Assert.True(evaded.HeldOutLoss < evaded.ParentHeldOutLoss, evaded.Summary);
        Assert.True(evaded.MeanCka < plain.MeanCka - 0.1, $"plain: {plain.Summary}; evade: {evaded.Summary}");
        Assert.True(evaded.MinCka <= evaded.MeanCka);
        Assert.NotNull(Checkpoint.Open(temp.Sub("evaded")));
    }
}
