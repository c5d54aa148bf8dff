using System.Runtime.InteropServices;
using Reef.Engine.Fingerprints;
using static TorchSharp.torch;

namespace Reef.Engine.Similarity;

/// <summary>
/// One tile of the registry matrix: every row model against every column model in a single matrix product of
/// their stacked packed kernel features, then each pair's L₁ × L₂ block summarized. Pair by pair, the same
/// work would be thousands of small products; as a tile it runs at matmul speed. The product is float32: the features
/// are unit rows, each CKA a dot product of them, and float32 keeps it within 1e-5 of float64 (measured: 2.4e-7 on
/// <c>RegistryTileTests</c>' models, 1.2e-6 between tile shapes on the quick zoo), no more than the float16 stored Grams
/// already move it (1.6e-5), at twice float64's speed.
/// </summary>
public static class RegistryTile
{
    /// <summary>Scores[row, col] for every pair. Throws <see cref="IncomparableFingerprintsException"/> on mixed probe sets.</summary>
    public static PairScore[,] Compute(IReadOnlyList<Fingerprint> rows, IReadOnlyList<Fingerprint> cols,
        Kernel kernel = Kernel.Linear, Preprocessing preprocessing = Preprocessing.Standardized)
    {
        var first = rows.Concat(cols).First();
        foreach (var f in rows.Concat(cols))
            if (first.IncomparableReason(f) is { } reason) throw new IncomparableFingerprintsException(first.Model.Path, f.Model.Path, reason);

        using var scope = NewDisposeScope();
        var rowFeatures = Stack(rows, kernel, preprocessing);
        var colFeatures = ReferenceEquals(rows, cols) ? rowFeatures : Stack(cols, kernel, preprocessing);
        var product = rowFeatures.MatMul(colFeatures.T).contiguous();
        var values = MemoryMarshal.Cast<byte, float>(product.bytes).ToArray();
        var width = (int)colFeatures.shape[0];

        var rowLayers = rows.Select(f => f.Layers).ToArray();
        var colLayers = ReferenceEquals(rows, cols) ? rowLayers : cols.Select(f => f.Layers).ToArray();
        var rowStart = Offsets(rowLayers);
        var colStart = Offsets(colLayers);
        var scores = new PairScore[rows.Count, cols.Count];
        Parallel.For(0, rows.Count, r =>
        {
            for (var c = 0; c < cols.Count; c++)
            {
                var block = new double[rowLayers[r], colLayers[c]];
                for (var i = 0; i < rowLayers[r]; i++)
                for (var j = 0; j < colLayers[c]; j++)
                    // A CKA is at most 1; a model with itself may round a float32 ulp above it.
                    block[i, j] = Math.Min(1.0, values[(rowStart[r] + i) * width + colStart[c] + j]);
                scores[r, c] = PairScore.Of(block);
            }
        });
        return scores;
    }

    /// <summary>Multiply-adds ×2 of the tile's matrix product (what the benchmark's GFLOP/s counts).</summary>
    public static double Flops(IReadOnlyList<Fingerprint> rows, IReadOnlyList<Fingerprint> cols)
    {
        var n = (double)rows[0].Count;
        return 2.0 * rows.Sum(f => f.Layers) * cols.Sum(f => f.Layers) * (n * (n + 1) / 2);
    }

    /// <summary>Every model's packed rows, one after another, written in place (no second copy through a concatenation).</summary>
    static Tensor Stack(IReadOnlyList<Fingerprint> models, Kernel kernel, Preprocessing preprocessing)
    {
        var n = (long)models[0].Count;
        var stacked = empty([models.Sum(f => (long)f.Layers), n * (n + 1) / 2], ScalarType.Float32);
        long at = 0;
        foreach (var f in models)
        {
            using var rows = PackedKernelFeatures.Build(f, kernel, preprocessing, ScalarType.Float32);
            stacked.narrow(0, at, rows.shape[0]).copy_(rows);
            at += rows.shape[0];
        }
        return stacked;
    }

    static int[] Offsets(int[] layers)
    {
        var offsets = new int[layers.Length];
        for (var i = 1; i < layers.Length; i++) offsets[i] = offsets[i - 1] + layers[i - 1];
        return offsets;
    }
}
