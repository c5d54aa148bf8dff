using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine;

/// <summary>
/// Tensor addition and subtraction without TorchSharp's implicit Scalars. TorchSharp's <c>a + b</c> calls
/// <c>add(b, alpha: 1)</c>, converting 1 to a Scalar that nothing references once its handle is passed to native
/// code, so the finalizer can free it mid-call (seen here as "alpha must not be a floating point number" and
/// "INTERNAL ASSERT FAILED at Scalar.h:279"). A static Scalar is always reachable and never finalized.
/// </summary>
public static class ScalarSafety
{
    /// <summary>The Scalar 1, alive for the whole process.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>The Scalar −1, alive for the whole process.</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>x² elementwise, as x · x: TorchSharp's square() and pow(2) pass an implicit Scalar (seen failing as "Unknown scalar type").</summary>
    public static Tensor Squared(this Tensor x) => x.mul(x);

    /// <summary>a − b (as a + (−1)·b, which is exact).</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.add(b, MinusOne);
}
