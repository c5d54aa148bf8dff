using System.Diagnostics;
using System.Runtime.InteropServices;
using Reef.Bench;
using Reef.Engine.Candidates;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using Reef.TestSupport;
using static TorchSharp.torch;

// Scan benchmarks.
//   reef-bench-scan registry [MODELS=1000] [LAYERS=32] [N=200]
//       A synthetic registry: every pair scored through the registry's tiles (RegistryTile, as the tile grains
//       run it, a float32 product), pairs per second and achieved GFLOP/s against a plain float32 matmul of one tile's shape.
//   reef-bench-scan hub HUB [SAMPLES=200]
//       Wall time of `reef scan HUB` embedded vs on a 3-silo loopback cluster (redis-server, 2 accelerator
//       silos and a CPU silo as processes), each from an empty state.
//   reef-bench-scan candidates [MODELS=100000] [SUBSET=5000] [SEARCH_BREADTH=256, 0 = exact index]
//       The candidate stage on a synthetic hub with planted families: time to every model's candidates (HNSW), peak
//       RSS and recall of the planted derived pairs; on a subset, recall against exhaustive exact scoring and the speed-up.
//   reef-bench-scan recall SCAN_OUT STORE
//       The candidate stage against an exhaustive scan: how many of the pairs it judged derived are candidates, and
//       the sketch scores of derived and unrelated pairs.
var mode = args.FirstOrDefault() ?? "registry";
if (mode == "registry") RegistryBench.Run(Arg(1, 1000), Arg(2, 32), Arg(3, 200));
else if (mode == "recall" && args.Length > 2) await Recall(args[1], args[2]);
else if (mode == "candidates") CandidateBench.Run(Arg(1, 100_000), Arg(2, 5_000), Arg(3, HnswNeighbourIndex.ExpansionSearch));
else if (mode == "hub" && args.Length > 1) Hub(args[1], args.Length > 2 ? args[2] : "200");
else Console.Error.WriteLine("usage: reef-bench-scan registry [MODELS LAYERS N] | hub HUB [SAMPLES] | candidates [MODELS SUBSET] | recall SCAN_OUT STORE");

static async Task Recall(string scanOut, string store)
{
    foreach (var (name, index) in new (string, Func<int, INeighbourIndex>)[] { ("exact", d => new ExactNeighbourIndex(d)), ("hnsw", d => new HnswNeighbourIndex(d)) })
    {
        var r = await CandidateRecall.Measure(scanOut, store, CandidatePolicy.Default, index);
        Console.WriteLine($"{name}: {r.Models} models, {r.Searched} candidate pairs from search, {r.Candidates} after closure ({r.Candidates / (double)r.Models:F1} per model); " +
                          $"derived pairs found {r.Found}/{r.Derived}");
        Console.WriteLine($"  REEF sketch: lowest derived {r.LowestDerivedReefSketch:F3}, highest unrelated {r.HighestOtherReefSketch:F3}; " +
                          $"weight sketch: lowest derived {r.LowestDerivedWeightSketch:F3}, highest unrelated {r.HighestOtherWeightSketch:F3}");
        foreach (var m in r.Missed) Console.WriteLine($"  missed {m}");
    }
}

int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;

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
