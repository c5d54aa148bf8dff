using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Similarity;

/// <summary>
/// Kernel features with the symmetry taken out: a centered, normalized kernel G is symmetric, so
/// ⟨G_a, G_b⟩ = Σᵢ G_a[i,i]G_b[i,i] + 2 Σ_{i&lt;j} G_a[i,j]G_b[i,j]. Keeping the diagonal and √2 × the upper
/// triangle gives rows of n(n+1)/2 whose dot products are exactly the CKAs, at half the memory and
/// half the multiply-adds of the full n² rows. The registry matrix multiplies these.
/// </summary>
public static class PackedKernelFeatures
{
    /// <summary>[layers, n(n+1)/2] float64 from the full [layers, n²] rows of <see cref="KernelFeatures"/>.</summary>
    public static Tensor Pack(Tensor full, int n)
    {
        using var scope = NewDisposeScope();
        var indices = triu_indices(n, n);
        var flat = indices[0].mul(n).add(indices[1]);
        using var sqrt2 = Math.Sqrt(2.0).ToScalar();
        var weights = ones(flat.shape[0], ScalarType.Float64).masked_fill(indices[0].ne(indices[1]), sqrt2);
        return full.index_select(1, flat).mul(weights.unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>The packed rows of every layer of <paramref name="fingerprint"/>.</summary>
    public static Tensor Build(Fingerprints.Fingerprint fingerprint, Kernel kernel, Fingerprints.Preprocessing preprocessing)
    {
        using var full = KernelFeatures.Build(fingerprint, kernel, preprocessing);
        return Pack(full, fingerprint.Count);
    }
}
