using System.Runtime.InteropServices;
using Reef.Engine.Fingerprints;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Similarity;

/// <summary>
/// Turns a fingerprint's Grams into one row per layer: the centered kernel matrix HKH, flattened and scaled
/// to unit Frobenius norm. CKA of two layers is then the dot product of their rows, and the layer-by-layer
/// CKA matrix of two models is one matrix product.
/// </summary>
public static class KernelFeatures
{
    /// <summary>[layers, n²] float64 on the CPU.</summary>
    public static Tensor Build(Fingerprint fingerprint, Kernel kernel, Preprocessing preprocessing)
    {
        if (!fingerprint.Grams.TryGetValue(preprocessing, out var grams))
            throw new ArgumentException($"fingerprint of {fingerprint.Model.Path} has no {preprocessing} Grams");
        var n = fingerprint.Count;
        using var scope = NewDisposeScope();
        // All layers in one [layers, n, n] tensor: a registry tile builds these for a hundred models at a time,
        // and per-layer small ops would cost as much as the tile's matrix product.
        // Copied straight into native memory: no managed buffer per model for the GC to sweep.
        var stored = empty([grams.Count, n, n], ScalarType.Float32);
        var destination = MemoryMarshal.Cast<byte, float>(stored.bytes);
        for (var l = 0; l < grams.Count; l++) grams[l].CopyTo(destination.Slice(l * n * n, n * n));
        var k = stored.to(ScalarType.Float64);
        var kernels = kernel == Kernel.Linear ? k : stack(Enumerable.Range(0, grams.Count).Select(l => CenterRows(Rbf(k[l]))).ToArray());
        var rows = kernels.reshape(grams.Count, n * n);
        // An all-zero kernel (a layer with no variation) has no direction: leave it zero, CKA 0.
        var norms = rows.norm(1, keepdim: true);
        using var one = 1.ToScalar();
        using var zero = 0.ToScalar();
        return rows.div(norms.masked_fill(norms.eq(zero), one)).MoveToOuterDisposeScope();
    }

    /// <summary>RBF kernel from a Gram: d²ᵢⱼ = Kᵢᵢ + Kⱼⱼ − 2Kᵢⱼ, σ² = median of the non-zero d².</summary>
    public static Tensor Rbf(Tensor gram)
    {
        using var zero = 0.ToScalar();
        var diagonal = gram.diagonal();
        var squared = diagonal.unsqueeze(0).Plus(diagonal.unsqueeze(1)).Minus(gram).Minus(gram).clamp_min(zero);
        var nonZero = squared.masked_select(squared.ne(zero));
        var sigmaSquared = nonZero.numel() == 0 ? 1.0 : Median(nonZero);
        using var scale = (-0.5 / sigmaSquared).ToScalar();
        return squared.mul(scale).exp();
    }

    /// <summary>HKH with H = I − 11ᵀ/n.</summary>
    static Tensor CenterRows(Tensor k) =>
        k.Minus(k.mean([0L], keepdim: true)).Minus(k.mean([1L], keepdim: true)).Plus(k.mean());

    /// <summary>The median as numpy defines it (mean of the two middle values for an even count).</summary>
    static double Median(Tensor values)
    {
        var sorted = values.sort().Values;
        var count = sorted.numel();
        var upper = sorted[count / 2].item<double>();
        return count % 2 == 1 ? upper : (upper + sorted[count / 2 - 1].item<double>()) / 2;
    }
}
