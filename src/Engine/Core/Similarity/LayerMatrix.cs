using System.Runtime.InteropServices;
using Reef.Engine.Fingerprints;

namespace Reef.Engine.Similarity;

/// <summary>The L₁ × L₂ matrix of CKA between every layer of model A and every layer of model B.</summary>
public static class LayerMatrix
{
    /// <summary>
    /// CKA of every layer pair. Throws <see cref="IncomparableFingerprintsException"/> when the fingerprints
    /// were not taken on the same probes by the same method.
    /// </summary>
    public static double[,] Compute(Fingerprint a, Fingerprint b, Kernel kernel, Preprocessing preprocessing)
    {
        if (a.IncomparableReason(b) is { } reason) throw new IncomparableFingerprintsException(a.Model.Path, b.Model.Path, reason);
        // The packed features a registry tile multiplies: the same numbers at half the work.
        using var fa = PackedKernelFeatures.Build(a, kernel, preprocessing);
        using var fb = PackedKernelFeatures.Build(b, kernel, preprocessing);
        using var product = fa.MatMul(fb.T).contiguous();
        var values = MemoryMarshal.Cast<byte, double>(product.bytes);
        var result = new double[a.Layers, b.Layers];
        for (var i = 0; i < a.Layers; i++)
        for (var j = 0; j < b.Layers; j++)
            result[i, j] = values[i * b.Layers + j];
        return result;
    }
}
