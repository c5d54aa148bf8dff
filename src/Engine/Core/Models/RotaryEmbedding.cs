using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// Rotary position embeddings as transformers computes them: inverse frequencies (with linear or llama3
/// scaling), angles in fp32, and <c>rotate_half</c>, which pairs dimension i with i + D/2.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>The inverse frequencies for <paramref name="rotaryDim"/> rotating dimensions.</summary>
    public static double[] InverseFrequencies(RopeSettings rope, int rotaryDim)
    {
        var inv = new double[rotaryDim / 2];
        for (var i = 0; i < inv.Length; i++)
            inv[i] = 1.0 / Math.Pow(rope.Theta, 2.0 * i / rotaryDim);
        switch (rope.Type)
        {
            case "linear":
                for (var i = 0; i < inv.Length; i++) inv[i] /= rope.Factor;
                break;
            case "llama3":
                ScaleLlama3(rope, inv);
                break;
            // "dynamic" NTK only changes frequencies beyond max_position_embeddings, which probes never reach.
        }
        return inv;
    }

    static void ScaleLlama3(RopeSettings rope, double[] inv)
    {
        double oldContext = rope.OriginalMaxPositions;
        var lowFreqWavelen = oldContext / rope.LowFreqFactor;
        var highFreqWavelen = oldContext / rope.HighFreqFactor;
        for (var i = 0; i < inv.Length; i++)
        {
            var wavelen = 2 * Math.PI / inv[i];
            var scaled = wavelen > lowFreqWavelen ? inv[i] / rope.Factor : inv[i];
            var medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium)
            {
                var smooth = (oldContext / wavelen - rope.LowFreqFactor) / (rope.HighFreqFactor - rope.LowFreqFactor);
                scaled = (1 - smooth) * scaled / rope.Factor + smooth * scaled;
            }
            inv[i] = scaled;
        }
    }

    /// <summary>cos and sin tables of shape [T, rotaryDim], fp32, on <paramref name="device"/>.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(RopeSettings rope, int rotaryDim, long length, Device device)
    {
        var inv = InverseFrequencies(rope, rotaryDim).Select(v => (float)v).ToArray();
        using var invT = tensor(inv, device: device);
        using var positions = arange(length, ScalarType.Float32, device);
        using var freqs = positions.unsqueeze(1) * invT.unsqueeze(0);
        using var emb = cat([freqs, freqs], -1);
        return (emb.cos(), emb.sin());
    }

    /// <summary>Rotates the first rotaryDim dimensions of x [B, H, T, D]; the rest pass through (Phi-3's partial rotary).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var rotaryDim = cos.shape[^1];
        var headDim = x.shape[^1];
        using var rot = rotaryDim == headDim ? x.alias() : x.narrow(-1, 0, rotaryDim);
        using var x32 = rot.to(ScalarType.Float32);
        using var first = x32.narrow(-1, 0, rotaryDim / 2);
        using var second = x32.narrow(-1, rotaryDim / 2, rotaryDim / 2);
        using var negSecond = -second;
        using var rotated = cat([negSecond, first], -1);
        using var a = x32 * cos;
        using var b = rotated * sin;
        using var sum = a.Plus(b);
        var result = sum.to(x.dtype);
        if (rotaryDim == headDim) return result;
        using var pass = x.narrow(-1, rotaryDim, headDim - rotaryDim);
        using var _ = result;
        return cat([result, pass], -1);
    }
}
