using System.Diagnostics;
using static TorchSharp.torch;

namespace Reef.Bench;

/// <summary>A plain libtorch float32 matmul's rate, measured in the same run as what is compared with it.</summary>
public static class Gemm
{
    /// <summary>GFLOP/s of [m × k] · [k × n]: best of <paramref name="rounds"/> rounds (two shared cores: the best is the hardware's rate).</summary>
    public static double Gflops(int m, int k, int n, int repeats = 20, int rounds = 5)
    {
        using var scope = NewDisposeScope();
        var a = randn(m, k);
        var b = randn(k, n);
        for (var i = 0; i < 3; i++) a.matmul(b).Dispose();
        var best = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) a.matmul(b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * m * k * n * repeats / best / 1e9;
    }
}
