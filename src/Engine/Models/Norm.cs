using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>The residual-stream norms, computed in fp32 as transformers does, eps inside the square root.</summary>
public static class Norm
{
    /// <summary>Normalizes <paramref name="x"/> with the family's flavour.</summary>
    public static Tensor Apply(NormFlavour flavour, Tensor x, Tensor weight, Tensor? bias, double eps)
    {
        if (flavour == NormFlavour.LayerNorm)
            return nn.functional.layer_norm(x, [x.shape[^1]], weight, bias, eps);

        using var x32 = x.to(ScalarType.Float32);
        using var variance = x32.pow(2).mean([-1L], keepdim: true);
        using var normed = x32 * (variance + eps).rsqrt();
        if (flavour == NormFlavour.RmsOnePlus)
        {
            // Gemma scales by (1 + w) in fp32, then casts.
            using var scale = weight.to(ScalarType.Float32) + 1.0;
            using var scaled = normed * scale;
            return scaled.to(x.dtype);
        }
        // Llama casts back to the input dtype before the weight multiplies.
        using var cast = normed.to(x.dtype);
        return weight * cast;
    }
}
