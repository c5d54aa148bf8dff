using System.Diagnostics;
using Reef.Engine;
using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Gguf;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Bench;

/// <summary>
/// Real checkpoint sizes on this machine: a random checkpoint with Llama-2-7B's shapes (bf16 on disk, sharded as the hub
/// shards it) fingerprinted on the built-in probes — peak RSS, wall time, GFLOP/s against a same-run GEMM in the compute
/// dtype, bytes read against the files' size — and a TinyLlama-1.1B-shaped one whole against streamed, as a checkpoint folder
/// (1.1b) or exported to an F16 GGUF file (1.1b-gguf).
/// Usage: reef-bench-engine large [7b|1.1b|1.1b-gguf|both] [folder for the checkpoints] [statements]
/// </summary>
public static class LargeCheckpointBench
{
    /// <summary>Llama-2-7B (meta-llama/Llama-2-7b-hf config.json).</summary>
    static ModelConfig Llama2_7B => Llama(hidden: 4096, layers: 32, heads: 32, kvHeads: 32, ffn: 11008, maxPositions: 4096);

    /// <summary>TinyLlama-1.1B (TinyLlama/TinyLlama-1.1B-Chat-v1.0 config.json).</summary>
    static ModelConfig TinyLlama_1_1B => Llama(hidden: 2048, layers: 22, heads: 32, kvHeads: 4, ffn: 5632, maxPositions: 2048);

    static ModelConfig Llama(int hidden, int layers, int heads, int kvHeads, int ffn, int maxPositions) => new()
    {
        Architecture = Architecture.Llama, HiddenSize = hidden, IntermediateSize = ffn, Layers = layers, Heads = heads, KvHeads = kvHeads,
        HeadDim = hidden / heads, VocabSize = 32000, MaxPositions = maxPositions, NormEps = 1e-5,
        Rope = new RopeSettings(10000, "default", 1, 1, 4, maxPositions), AttentionBias = false, MlpBias = false,
        TieWordEmbeddings = false, Activation = "silu",
    };

    public static int Run(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "both";
        var folder = args.Length > 1 ? args[1] : Path.GetTempPath();
        var statements = args.Length > 2 ? int.Parse(args[2]) : int.MaxValue;
        var probes = DefaultProbes.Load();
        probes = probes.Take(Math.Min(statements, probes.Count));
        Console.WriteLine($"{get_num_threads()} torch threads; compute fp32 on the CPU (no native bf16 here); {probes.Count} built-in statements; " +
                          $"default memory budget {MemoryBudget.Default / 1073741824.0:F1} GiB");
        if (which is "7b" or "both")
        {
            var dir = Prepare(Path.Combine(folder, "reef-bench-llama2-7b"), Llama2_7B);
            Measure("Llama-2-7B shapes", dir, probes, ComputeOptions.Cpu);
        }
        if (which is "1.1b" or "both")
        {
            var dir = Prepare(Path.Combine(folder, "reef-bench-tinyllama-1.1b"), TinyLlama_1_1B);
            WholeVersusStreamed("1.1B", dir, probes);
        }
        if (which is "1.1b-gguf")
        {
            var dir = Prepare(Path.Combine(folder, "reef-bench-tinyllama-1.1b"), TinyLlama_1_1B);
            var gguf = Path.Combine(folder, "reef-bench-tinyllama-1.1b-f16.gguf");
            if (!File.Exists(gguf))
            {
                var clock = Stopwatch.StartNew();
                GgufExport.Write(dir, gguf + ".partial", GgmlType.F16);
                File.Move(gguf + ".partial", gguf);
                Console.Error.WriteLine($"exported {gguf} in {clock.Elapsed.TotalSeconds:F0} s");
            }
            WholeVersusStreamed("1.1B GGUF F16", gguf, probes);
        }
        return 0;
    }

    /// <summary>The same model streamed and loaded whole: time and peak memory ratios, and how far their Grams differ.</summary>
    static void WholeVersusStreamed(string label, string path, ProbeSet probes)
    {
        var streamed = Measure($"{label} streamed", path, probes, ComputeOptions.Cpu with { MaxMemoryBytes = 1 });
        var whole = Measure($"{label} whole", path, probes, ComputeOptions.Cpu with { MaxMemoryBytes = long.MaxValue / 4 });
        var worst = 0.0;
        var layers = whole.Fingerprint.Grams[Preprocessing.Standardized];
        for (var l = 0; l < layers.Count; l++)
            worst = Math.Max(worst, layers[l].Zip(streamed.Fingerprint.Grams[Preprocessing.Standardized][l], (a, b) => Math.Abs(a - b)).Max());
        Console.WriteLine($"{label} streamed vs whole: time x{streamed.Seconds / whole.Seconds:F2}, peak RSS x{streamed.PeakBytes / (double)whole.PeakBytes:F2} " +
                          $"({streamed.PeakBytes / 1048576.0:F0} vs {whole.PeakBytes / 1048576.0:F0} MiB); largest Gram difference {worst:E2}");
    }

    sealed record Figures(Fingerprint Fingerprint, double Seconds, long PeakBytes);

    static Figures Measure(string label, string path, ProbeSet probes, ComputeOptions compute)
    {
        ModelConfig config;
        string stored;
        TokenizedProbes tokens;
        using (var model = IWeightReader.Open(path))
        {
            config = model.Config;
            stored = model is CheckpointReader folder
                ? $"{folder.Checkpoint.Files.Count} shard(s), {Dtypes.Name(folder.Checkpoint.Files[0].Tensors.Values.First().Dtype)}"
                : "one GGUF file, " + string.Join(" ", ((GgufReader)model).File.TensorList.GroupBy(t => t.Type).Select(g => $"{g.Key}x{g.Count()}"));
            using var tokenizer = model.LoadTokenizer()!;
            tokens = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, path);
        }
        var fileBytes = File.Exists(path) ? new FileInfo(path).Length : Directory.GetFiles(path).Sum(f => new FileInfo(f).Length);
        var gemm = Gemm.Gflops(1024, config.HiddenSize, config.IntermediateSize, repeats: 5, rounds: 3);
        var totalTokens = tokens.Ids.Sum(t => (long)t.Length);
        var flops = 2.0 * config.MacsPerToken * totalTokens + tokens.Ids.Sum(t => 4.0 * t.Length * t.Length * config.Heads * config.HeadDim * config.Layers);

        GC.Collect();
        ProcessMemory.ResetPeak();
        var readBefore = ProcessIo.BytesRead;
        var clock = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        var built = FingerprintBuilder.BuildTimed(path, probes, compute, batchSize: 8, new SyncProgress<ProgressUpdate>(u =>
        {
            if (lastReport.Elapsed.TotalSeconds < 30 && u.Done != u.Total) return;
            lastReport.Restart();
            Console.Error.WriteLine($"  {label}: {u.Phase} {u.Done}/{u.Total} {u.Unit} at {clock.Elapsed.TotalSeconds:F0} s");
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = ProcessMemory.Peak;
        var read = ProcessIo.BytesRead - readBefore;
        var compute_s = built.ForwardTime.TotalSeconds;
        Console.WriteLine($"{label}: {config.ParameterCount / 1e9:F2}B parameters, {fileBytes / 1e9:F2} GB on disk ({stored}); {totalTokens} tokens");
        Console.WriteLine($"  wall {seconds:F0} s (reading {built.LoadTime.TotalSeconds:F0} s, running {compute_s:F0} s, Grams {built.GramTime.TotalSeconds:F1} s); " +
                          $"peak RSS {peak / 1048576.0:F0} MiB; read {read / 1e9:F2} GB = {read / (double)fileBytes:F3} x the files");
        Console.WriteLine($"  {flops / compute_s / 1e9:F1} GFLOP/s while running = {flops / compute_s / 1e9 / gemm * 100:F0} % of a same-run fp32 GEMM " +
                          $"[1024x{config.HiddenSize}]x[{config.HiddenSize}x{config.IntermediateSize}] at {gemm:F1} GFLOP/s " +
                          $"({flops / seconds / 1e9:F1} GFLOP/s over the whole wall time)");
        return new Figures(built.Fingerprint, seconds, peak);
    }

    /// <summary>The checkpoint in <paramref name="dir"/>, written first when it is not there (random weights, bf16, 5 GB shards).</summary>
    static string Prepare(string dir, ModelConfig config)
    {
        var done = Path.Combine(dir, ".complete");
        if (File.Exists(done)) return dir;
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var clock = Stopwatch.StartNew();
        var merges = Merges();
        Console.Error.WriteLine($"writing {dir}: {config.ParameterCount / 1e9:F2}B parameters in bf16 ({merges.Count} BPE merges in its tokenizer)");
        RandomModel.WriteLarge(dir, config, seed: 7, Dtype.BF16, merges: merges);
        File.WriteAllText(done, "");
        Console.Error.WriteLine($"written in {clock.Elapsed.TotalSeconds:F0} s");
        return dir;
    }

    /// <summary>
    /// BPE merges learned from the zoo's corpora (scripts/corpora.sh), so the built-in statements come to tokens per word
    /// like a real model's tokenizer gives rather than a byte each; none when the corpora are not installed.
    /// </summary>
    static List<(string Left, string Right)> Merges()
    {
        var corpora = Environment.GetEnvironmentVariable("REEF_CORPORA") ?? Path.Combine(".reef", "corpora");
        if (!Directory.Exists(corpora)) return [];
        var text = string.Join("\n", Directory.GetFiles(corpora, "*.txt").Order().Select(f =>
        {
            using var reader = new StreamReader(f);
            var buffer = new char[1 << 20];
            return new string(buffer, 0, reader.ReadBlock(buffer));
        }));
        return BpeTrainer.Train(text, 4000);
    }
}
