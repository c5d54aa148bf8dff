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
        using var width = n.ToScalar();
        var flat = indices[0].mul(width).Plus(indices[1]);
        using var sqrt2 = Math.Sqrt(2.0).ToScalar();
        var weights = ones(flat.shape[0], ScalarType.Float64).masked_fill(indices[0].ne(indices[1]), sqrt2);
        return full.index_select(1, flat).mul(weights.unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The packed rows of every layer of <paramref name="fingerprint"/>, in <paramref name="dtype"/> (float64 or float32;
    /// computed in float64 and rounded once).
    /// </summary>
    public static Tensor Build(Fingerprints.Fingerprint fingerprint, Kernel kernel, Fingerprints.Preprocessing preprocessing,
        ScalarType dtype = ScalarType.Float64)
    {
        if (dtype is not (ScalarType.Float64 or ScalarType.Float32)) throw new ArgumentException($"packed features are float64 or float32, not {dtype}");
        if (kernel == Kernel.Linear) return Linear(fingerprint, preprocessing, dtype);
        using var full = KernelFeatures.Build(fingerprint, kernel, preprocessing);
        using var packed = Pack(full, fingerprint.Count);
        return packed.to_type(dtype);
    }

    /// <summary>
    /// The linear kernel's rows straight from the Grams' upper triangles, in one pass: the Gram is the kernel (its
    /// columns were centered before it was taken), so there is nothing to center, and building the full n² rows first
    /// to pick half of them cost a verification batch three quarters of its time (7.7 of 10 ms a model at n = 200,
    /// L = 32). The same numbers as <see cref="Pack"/> of <see cref="KernelFeatures.Build"/>, up to rounding.
    /// </summary>
    static Tensor Linear(Fingerprints.Fingerprint fingerprint, Fingerprints.Preprocessing preprocessing, ScalarType dtype)
    {
        if (!fingerprint.Grams.TryGetValue(preprocessing, out var grams))
            throw new ArgumentException($"fingerprint of {fingerprint.Model.Path} has no {preprocessing} Grams");
        var n = fingerprint.Count;
        var width = n * (n + 1) / 2;
        var packed = empty([grams.Count, width], dtype);
        var doubles = dtype == ScalarType.Float64 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(packed.bytes) : default;
        var floats = dtype == ScalarType.Float32 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(packed.bytes) : default;
        var scratch = dtype == ScalarType.Float64 ? null : new double[width];
        var sqrt2 = Math.Sqrt(2.0);
        for (var l = 0; l < grams.Count; l++)
        {
            var gram = grams[l];
            Span<double> row = scratch != null ? scratch : doubles.Slice(l * width, width);
            var squares = 0.0;
            for (int i = 0, at = 0; i < n; i++)
            {
                double diagonal = gram[i * n + i];
                row[at++] = diagonal;
                squares += diagonal * diagonal;
                for (var j = i + 1; j < n; j++, at++)
                {
                    double v = gram[i * n + j];
                    row[at] = v * sqrt2;
                    squares += 2 * v * v;
                }
            }
            // An all-zero kernel (a layer with no variation) has no direction: left zero, CKA 0.
            var inverse = squares == 0 ? 0 : 1 / Math.Sqrt(squares);
            if (scratch == null)
                for (var k = 0; k < width; k++) row[k] *= inverse;
            else
            {
                var into = floats.Slice(l * width, width);
                for (var k = 0; k < width; k++) into[k] = (float)(row[k] * inverse);
            }
        }
        return packed;
    }
}
