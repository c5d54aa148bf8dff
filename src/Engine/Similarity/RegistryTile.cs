using System.Runtime.InteropServices;
using Reef.Engine.Fingerprints;
using static TorchSharp.torch;

namespace Reef.Engine.Similarity;

/// <summary>
/// One tile of the registry matrix: every row model against every column model in a single matrix product of
/// their stacked packed kernel features, then each pair's L₁ × L₂ block summarized. Pair by pair, the same
/// work would be thousands of small products; as a tile it runs at matmul speed.
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
        var product = rowFeatures.matmul(colFeatures.T).contiguous();
        var values = MemoryMarshal.Cast<byte, double>(product.bytes).ToArray();
        var width = (int)colFeatures.shape[0];

        var rowStart = Offsets(rows);
        var colStart = Offsets(cols);
        var scores = new PairScore[rows.Count, cols.Count];
        Parallel.For(0, rows.Count, r =>
        {
            for (var c = 0; c < cols.Count; c++)
            {
                var block = new double[rows[r].Layers, cols[c].Layers];
                for (var i = 0; i < rows[r].Layers; i++)
                for (var j = 0; j < cols[c].Layers; j++)
                    block[i, j] = values[(rowStart[r] + i) * width + colStart[c] + j];
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

    static Tensor Stack(IReadOnlyList<Fingerprint> models, Kernel kernel, Preprocessing preprocessing) =>
        cat(models.Select(f => PackedKernelFeatures.Build(f, kernel, preprocessing)).ToArray(), 0);

    static int[] Offsets(IReadOnlyList<Fingerprint> models)
    {
        var offsets = new int[models.Count];
        for (var i = 1; i < models.Count; i++) offsets[i] = offsets[i - 1] + models[i - 1].Layers;
        return offsets;
    }
}
