using static TorchSharp.torch;

namespace Reef.Engine;

/// <summary>
/// Matrix products that fail as managed exceptions. TorchSharp's <c>matmul</c> calls libtorch without catching its C++
/// exceptions (THSTensor_matmul, unlike <c>mm</c>), so a shape mismatch there does not throw: it aborts the process
/// ("terminate called after throwing an instance of 'c10::Error'"), taking a whole scan with it. Every product of tensors whose
/// shapes come from a stranger's file goes through here.
/// </summary>
public static class CheckedProducts
{
    /// <summary>a · b with matmul's broadcasting, its shapes checked first; 2-D products go through <c>mm</c>, which is caught.</summary>
    public static Tensor MatMul(this Tensor a, Tensor b)
    {
        if (a.dim() == 2 && b.dim() == 2)
        {
            if (a.shape[1] != b.shape[0]) throw Mismatch(a, b);
            return a.mm(b);
        }
        if (a.dim() == 0 || b.dim() == 0) throw Mismatch(a, b);
        var inner = a.shape[^1];
        var other = b.dim() == 1 ? b.shape[0] : b.shape[^2];
        if (inner != other) throw Mismatch(a, b);
        // Batch dimensions broadcast: from the right, equal or one of them 1.
        long[] batchA = a.dim() > 2 ? a.shape[..^2] : [], batchB = b.dim() > 2 ? b.shape[..^2] : [];
        for (int i = batchA.Length - 1, j = batchB.Length - 1; i >= 0 && j >= 0; i--, j--)
            if (batchA[i] != batchB[j] && batchA[i] != 1 && batchB[j] != 1) throw Mismatch(a, b);
        return a.matmul(b);
    }

    static InvalidOperationException Mismatch(Tensor a, Tensor b) =>
        new($"shapes [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}] cannot be multiplied");
}
