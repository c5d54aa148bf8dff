using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>Adds Gaussian noise to every floating-point tensor, scaled to that tensor's own standard deviation.</summary>
public static class GaussianNoise
{
    /// <summary>Writes <paramref name="target"/>: <paramref name="source"/> plus N(0, (relativeStd · std(W))²) per tensor W.</summary>
    public static void Apply(string source, string target, double relativeStd, long seed) =>
        CheckpointRewrite.Apply(source, target, (_, tensors) =>
        {
            var generator = new Generator((ulong)seed);
            foreach (var name in tensors.Keys.Order(StringComparer.Ordinal).ToList())
            {
                var t = tensors[name];
                if (!t.is_floating_point() || t.numel() < 2) continue;
                using var f = t.to(ScalarType.Float32);
                using var scale = (f.std().item<float>() * relativeStd).ToScalar();
                using var noise = randn(f.shape, generator: generator).mul(scale);
                tensors[name] = f.Plus(noise).to(t.dtype);
                t.Dispose();
            }
        });
}
