using System.Diagnostics;
using System.Runtime.InteropServices;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using Reef.TestSupport;
using static TorchSharp.torch;

// Scan benchmarks.
//   reef-bench-scan registry [MODELS=1000] [LAYERS=32] [N=200]
//       A synthetic registry: every pair scored through the registry's tiles (RegistryTile, as the tile grains
//       run it), pairs per second and achieved GFLOP/s against a plain float64 matmul of one tile's shape.
//   reef-bench-scan hub HUB [SAMPLES=200]
//       Wall time of `reef scan HUB` embedded vs on a 3-silo loopback cluster (redis-server, 2 accelerator
//       silos and a CPU silo as processes), each from an empty state.
var mode = args.FirstOrDefault() ?? "registry";
if (mode == "registry") Registry(Arg(1, 1000), Arg(2, 32), Arg(3, 200));
else if (mode == "hub" && args.Length > 1) Hub(args[1], args.Length > 2 ? args[2] : "200");
else Console.Error.WriteLine("usage: reef-bench-scan registry [MODELS LAYERS N] | hub HUB [SAMPLES]");

int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;

static void Registry(int models, int layers, int n)
{
    Console.WriteLine($"synthetic registry: {models} fingerprints × {layers} layers × n = {n}, tile {Reef.Grains.RegistryGrain.TileSize} models");
    var random = new Random(1);
    var clock = Stopwatch.StartNew();
    var fingerprints = Enumerable.Range(0, models).Select(i => new Fingerprint
    {
        Model = new ModelIdentity($"synthetic-{i}", $"{i:x64}", "LlamaForCausalLM", layers, 4096, 0),
        ProbeSetName = "synthetic", ProbeHash = new string('0', 64), Count = n,
        Grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>>
        {
            [Preprocessing.Standardized] = Enumerable.Range(0, layers).Select(_ => Symmetric(random, n)).ToList(),
        },
    }).ToList();
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
    var peak = MatmulGflops(tile * layers, n * (n + 1) / 2);
    Console.WriteLine($"{plan.Count} tiles, {pairs:N0} pairs in {seconds:F1} s: {pairs / seconds:N0} pairs/s");
    Console.WriteLine($"achieved {achieved:F1} GFLOP/s (matrix products only counted) = {100 * achieved / peak:F0} % of plain float64 matmul " +
                      $"[{tile * layers} × {n * (n + 1) / 2}] · [{n * (n + 1) / 2} × {tile * layers}] at {peak:F1} GFLOP/s (best of 3, same run)");
}

static float[] Symmetric(Random random, int n)
{
    var a = new float[n * n];
    for (var i = 0; i < n; i++)
    for (var j = i; j < n; j++)
        a[i * n + j] = a[j * n + i] = (float)random.NextDouble() - 0.5f;
    return a;
}

static double MatmulGflops(int rows, int depth)
{
    using var a = randn(rows, depth, ScalarType.Float64);
    using var b = randn(depth, rows, ScalarType.Float64);
    var best = double.MaxValue;
    for (var i = 0; i < 4; i++)
    {
        var clock = Stopwatch.StartNew();
        using (var c = a.matmul(b)) _ = c.sum().item<double>();
        if (i > 0) best = Math.Min(best, clock.Elapsed.TotalSeconds);
    }
    return 2.0 * rows * rows * depth / best / 1e9;
}

static void Hub(string hub, string samples)
{
    var work = Path.Combine(Path.GetTempPath(), "reef-bench-scan-" + Guid.NewGuid().ToString("N")[..8]);
    Directory.CreateDirectory(work);
    try
    {
        var clock = Stopwatch.StartNew();
        var embedded = Process.Start("dotnet", [Build.Output("Client", "reef.dll"), "scan", hub, "--state", Path.Combine(work, "state"),
            "--out", Path.Combine(work, "embedded"), "--samples", samples, "--json"])!;
        embedded.WaitForExit();
        var embeddedSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"embedded scan: {embeddedSeconds:F1} s (exit {embedded.ExitCode})");

        using var cluster = new LoopbackCluster(Path.Combine(work, "logs"));
        clock.Restart();
        cluster.StartSilos(("cpu-0", 0), ("accel-1", 1), ("accel-2", 1));
        var startup = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var client = cluster.StartClient("client", "scan", hub, "--cluster", cluster.Redis, "--out", Path.Combine(work, "cluster"), "--samples", samples, "--json");
        client.WaitForExit();
        var clusterSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"3-silo loopback cluster scan: {clusterSeconds:F1} s (exit {client.ExitCode}; silo start-up {startup:F1} s not counted)");
        Console.WriteLine($"cluster / embedded wall time: {clusterSeconds / embeddedSeconds:F2} " +
                          $"(all silos share this machine's {Environment.ProcessorCount} cores, so the cluster can only add overhead here)");
        var a = ScanMatrix.Read(Path.Combine(work, "embedded"));
        var b = ScanMatrix.Read(Path.Combine(work, "cluster"));
        Console.WriteLine($"max |cluster − embedded| over the matrix: {a.MaxDifference(b):E2}");
    }
    finally { Directory.Delete(work, recursive: true); }
}
