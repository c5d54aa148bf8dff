using System.Diagnostics;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using static TorchSharp.torch;

namespace Reef.Bench;

/// <summary>All pairs of a synthetic registry through the registry's tiles, as the tile grains run them.</summary>
public static class RegistryBench
{
    public static void Run(int models, int layers, int n)
    {
        Console.WriteLine($"synthetic registry: {models} fingerprints × {layers} layers × n = {n}, tile {Reef.Grains.RegistryGrain.TileSize} models");
        var clock = Stopwatch.StartNew();
        var fingerprints = Enumerable.Range(0, models).Select(i => Synthetic(i, layers, n)).ToList();
        Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:F1} s");

        var tile = Reef.Grains.RegistryGrain.TileSize;
        var keys = fingerprints.Select(f => f.Model.Path).ToList();
        var index = keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var plan = TilePlan.Plan(keys, (_, _) => false, tile, "bench");
        double flops = 0;
        long pairs = 0;
        clock.Restart();
        foreach (var t in plan)
        {
            var rows = t.Rows.Select(k => fingerprints[index[k]]).ToList();
            var cols = t.Rows.SequenceEqual(t.Cols) ? rows : t.Cols.Select(k => fingerprints[index[k]]).ToList();
            RegistryTile.Compute(rows, cols);
            flops += RegistryTile.Flops(rows, cols);
            // Diagonal tiles score each unordered pair twice; count the distinct ones.
            pairs += ReferenceEquals(rows, cols) ? (long)rows.Count * (rows.Count + 1) / 2 : (long)rows.Count * cols.Count;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var achieved = flops / seconds / 1e9;
        var peak = MatmulGflops(tile * layers, tile * layers, n * (n + 1) / 2, ScalarType.Float32);
        Console.WriteLine($"{plan.Count} tiles, {pairs:N0} pairs in {seconds:F1} s: {pairs / seconds:N0} pairs/s");
        Console.WriteLine($"achieved {achieved:F1} GFLOP/s (matrix products only counted) = {100 * achieved / peak:F0} % of plain float32 matmul " +
                          $"[{tile * layers} × {n * (n + 1) / 2}] · [{n * (n + 1) / 2} × {tile * layers}] at {peak:F1} GFLOP/s (best of 3, same run)");
    }

    /// <summary>A fingerprint of random symmetric Grams (model <paramref name="i"/> always the same).</summary>
    public static Fingerprint Synthetic(int i, int layers, int n)
    {
        var random = new Random(i + 1);
        return new Fingerprint
        {
            Model = new ModelIdentity($"synthetic-{i}", $"{i:x64}", "LlamaForCausalLM", layers, 4096, 0),
            ProbeSetName = "synthetic", ProbeHash = new string('0', 64), Count = n,
            Grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>>
            {
                [Preprocessing.Standardized] = Enumerable.Range(0, layers).Select(_ => Symmetric(random, n)).ToList(),
            },
        };
    }

    static float[] Symmetric(Random random, int n)
    {
        var a = new float[n * n];
        for (var i = 0; i < n; i++)
        for (var j = i; j < n; j++)
            a[i * n + j] = a[j * n + i] = (float)random.NextDouble() - 0.5f;
        return a;
    }

    /// <summary>Best-of-3 GFLOP/s of a [rows × depth] · [depth × cols] product in <paramref name="dtype"/> (float64 unless said).</summary>
    public static double MatmulGflops(int rows, int cols, int depth, ScalarType dtype = ScalarType.Float64)
    {
        using var a = randn(rows, depth, dtype);
        using var b = randn(depth, cols, dtype);
        var best = double.MaxValue;
        for (var i = 0; i < 4; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var c = a.matmul(b)) _ = c.sum().to_type(ScalarType.Float64).item<double>();
            if (i > 0) best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * rows * cols * depth / best / 1e9;
    }
}
