using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// K = X̃X̃ᵀ of prepared activations: all that linear and RBF CKA need of one layer, whatever its width.
/// Centered columns make K doubly centered already.
/// </summary>
public static class GramMatrix
{
    /// <summary>The n × n Gram of an n × d row-major matrix, in float64 arithmetic, returned as float32.</summary>
    public static float[] Compute(ReadOnlySpan<float> matrix, int n, int d, Preprocessing preprocessing)
    {
        using var scope = NewDisposeScope();
        var x = tensor(matrix.ToArray(), [n, d]).to(ScalarType.Float64);
        var centered = x.Minus(x.mean([0L], keepdim: true));
        if (preprocessing == Preprocessing.Standardized)
        {
            // Unbiased std, as REEF's torch code; a constant column (std 0) carries no information and stays zero.
            var std = centered.std(0, unbiased: true, keepdim: true);
            using var zero = 0.ToScalar();
            std = where(std.gt(zero), std, ones_like(std));
            centered = centered / std;
        }
        var gram = centered.MatMul(centered.T).to(ScalarType.Float32).contiguous();
        return MemoryMarshal.Cast<byte, float>(gram.bytes).ToArray();
    }
}
