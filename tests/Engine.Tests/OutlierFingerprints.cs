using Reef.Engine.Fingerprints;

namespace Reef.Engine.Tests;

/// <summary>
/// Fingerprints of three synthetic models at n probes: a source whose activations have a few heavy feature dimensions
/// (as real models' outlier dimensions), a derivative of it (the source plus noise), and an unrelated model.
/// </summary>
static class OutlierFingerprints
{
    public static (Fingerprint Source, Fingerprint Derived, Fingerprint Other) Make(int seed, int n, int d, int layers)
    {
        var random = new Random(seed);
        float[] Noise() => Enumerable.Range(0, n * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var source = Enumerable.Range(0, layers).Select(_ => Noise().Select((v, i) => v * (i % d < 3 ? 40f : 1f)).ToArray()).ToList();
        var derived = source.Select(a => a.Zip(Noise(), (x, e) => x + 0.3f * e).ToArray()).ToList();
        var other = Enumerable.Range(0, layers).Select(_ => Noise()).ToList();
        Fingerprint Print(List<float[]> a, string name) =>
            Fingerprint.FromActivations(new CapturedActivations(n, d, a), new ModelIdentity(name, name, "LlamaForCausalLM", layers, d, 100), "builtin", new string('f', 64), 0);
        return (Print(source, "a"), Print(derived, "b"), Print(other, "c"));
    }
}
