using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>The residual-stream norms, computed in fp32 as transformers does, eps inside the square root.</summary>
public static class Norm
{
    /// <summary>Normalizes <paramref name="x"/> with the family's flavour.</summary>
    public static Tensor Apply(NormFlavour flavour, Tensor x, Tensor weight, Tensor? bias, double eps)
    {
        if (flavour == NormFlavour.LayerNorm)
        {
            if (weight.dtype == x.dtype) return nn.functional.layer_norm(x, [x.shape[^1]], weight, bias, eps);
            // Half-precision weights over an fp32 residual stream (mixed precision): the norm runs in the stream's dtype.
            using var w = weight.to(x.dtype);
            using var b = bias?.to(x.dtype);
            return nn.functional.layer_norm(x, [x.shape[^1]], w, b, eps);
        }

        // Scalars are explicit and scoped: an implicitly converted one can be finalized while native code still reads it.
        using var epsilon = eps.ToScalar();
        using var x32 = x.to(ScalarType.Float32);
        // x * x, not pow(2) or square(): TorchSharp implements both with an implicit Scalar.
        using var squares = x32 * x32;
        using var variance = squares.mean([-1L], keepdim: true);
        using var shifted = variance.add(epsilon, ScalarSafety.One);
        using var normed = x32 * shifted.rsqrt();
        if (flavour == NormFlavour.RmsOnePlus)
        {
            // Gemma scales by (1 + w) in fp32, then casts.
            using var one = 1.0.ToScalar();
            using var weight32 = weight.to(ScalarType.Float32);
            using var scale = weight32.add(one, ScalarSafety.One);
            using var scaled = normed * scale;
            return scaled.to(x.dtype);
        }
        // Llama casts back to the input dtype before the weight multiplies.
        using var cast = normed.to(x.dtype);
        return weight * cast;
    }
}
