using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Training;

/// <summary>
/// REEF's similarity as a differentiable loss: linear CKA of two n-row representations after REEF's column
/// standardization (<see cref="Fingerprints.Preprocessing.Standardized"/>), so an attack minimizes exactly what a
/// fingerprint measures.
/// </summary>
public static class RepresentationCka
{
    // Held for the process: an implicit Scalar can be finalized mid-call (see ScalarSafety).
    static readonly Scalar Tiny = 1e-6.ToScalar();

    /// <summary>CKA of <paramref name="x"/> [n, dx] and <paramref name="y"/> [n, dy], a scalar tensor with gradients.</summary>
    public static Tensor Linear(Tensor x, Tensor y)
    {
        using var k = Gram(x);
        using var l = Gram(y);
        using var cross = k.mul(l).sum();
        using var kNorm = k.norm();
        using var lNorm = l.norm();
        using var norms = kNorm.mul(lNorm).clamp_min(Tiny);
        return cross.div(norms);
    }

    static Tensor Gram(Tensor x)
    {
        using var mean = x.mean([0], keepdim: true);
        using var centered = x.Minus(mean);
        using var std = x.std(0, unbiased: true, keepdim: true).clamp_min(Tiny);
        using var standardized = centered.div(std);
        return standardized.MatMul(standardized.t());
    }
}
