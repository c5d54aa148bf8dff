using System.Diagnostics;
using Reef.Bench;
using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

// Engine benchmark (`large ...`: real checkpoint sizes, LargeCheckpointBench): a ~50M-parameter Llama-architecture checkpoint (fp32 safetensors) through the whole
// capture path. Prints statements/s at batch 1 and batched, achieved GFLOP/s against a plain libtorch matmul
// in the same run, load throughput against a raw read of the same files, and peak memory against the weights.
if (args is ["large", ..]) return LargeCheckpointBench.Run(args[1..]);
if (args is ["edges", ..]) return EdgeTypingBench.Run(args[1..]);
if (args is ["aligned", ..]) return AlignedWeightBench.Run(args[1..]);
var statements = args.Length > 0 ? int.Parse(args[0]) : 64;
var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "reef-bench-llama-50m");
var config = RandomModel.SmallLlama(hidden: 768, layers: 8, heads: 12, kvHeads: 4, ffn: 2048, maxPositions: 512);
if (!File.Exists(Path.Combine(directory, "model.safetensors")))
{
    Console.Error.WriteLine($"writing benchmark checkpoint to {directory}");
    RandomModel.WriteCheckpoint(directory, config, seed: 1);
}
var checkpoint = Checkpoint.Open(directory);
var weightBytes = checkpoint.WeightBytes;
Console.WriteLine($"model: Llama-architecture, hidden {config.HiddenSize}, {config.Layers} layers, ffn {config.IntermediateSize}, " +
                  $"{config.ParameterCount / 1e6:F1}M parameters, {weightBytes / 1048576.0:F0} MiB fp32; {get_num_threads()} torch threads");

// Raw read: the same bytes with no parsing, page cache warm (best of 3).
var raw = Enumerable.Range(0, 3).Min(_ => Time(() =>
{
    var buffer = new byte[64 << 20];
    foreach (var f in checkpoint.Files)
    {
        using var s = new FileStream(f.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        while (s.Read(buffer) > 0) { }
    }
}));
var cpu = new ComputeOptions(CPU, ScalarType.Float32);
var baseline = ProcessMemory.Resident;
ProcessMemory.ResetPeak();
var load = Enumerable.Range(0, 3).Min(_ => Time(() => DecoderWeights.Load(checkpoint, cpu).Dispose()));
using var weights = DecoderWeights.Load(checkpoint, cpu);
var afterLoad = ProcessMemory.Peak;
Console.WriteLine($"load:   {weightBytes / load / 1e9:F2} GB/s vs raw read {weightBytes / raw / 1e9:F2} GB/s  (ratio {raw / load:F2}; best of 3, page cache warm)");

// Plain matmul at the model's largest GEMM shape, same threads.
var gemmTokens = 1024;
var matmulGflops = Gemm.Gflops(gemmTokens, config.HiddenSize, config.IntermediateSize);
Console.WriteLine($"matmul: {matmulGflops:F1} GFLOP/s  (fp32 [{gemmTokens}x{config.HiddenSize}] x [{config.HiddenSize}x{config.IntermediateSize}])");

var probes = DefaultProbes.Load().Take(statements);
using var tokenizer = ModelTokenizer.Load(checkpoint.TokenizerPath!);
var tokens = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, directory);
var totalTokens = tokens.Ids.Sum(t => (long)t.Length);
ActivationCapture.Run(weights, tokens, 8); // warm-up
foreach (var batch in new[] { 1, 8, 32 })
{
    ProcessMemory.ResetPeak();
    var before = ProcessMemory.Resident;
    var seconds = Time(() => ActivationCapture.Run(weights, tokens, batch));
    var capturePeak = Math.Max(0, ProcessMemory.Peak - before);
    var flops = 2.0 * config.MacsPerToken * totalTokens + AttentionFlops(tokens, config);
    Console.WriteLine($"capture batch {batch,2}: {statements / seconds,7:F1} statements/s, {totalTokens / seconds,8:F0} tokens/s, " +
                      $"{flops / seconds / 1e9,6:F1} GFLOP/s = {flops / seconds / 1e9 / matmulGflops * 100,3:F0}% of matmul, " +
                      $"peak +{capturePeak / 1048576.0:F0} MiB over the loaded model");
}
Console.WriteLine($"memory: loading peaks at {(afterLoad - baseline) / 1048576.0:F0} MiB above the {baseline / 1048576.0:F0} MiB process baseline " +
                  $"for {weightBytes / 1048576.0:F0} MiB of weights ({(afterLoad - baseline) / (double)weightBytes:F2} x weights)");
Console.WriteLine($"({statements} built-in statements, {totalTokens} tokens, mean {totalTokens / (double)statements:F1} tokens each)");
return 0;

static double Time(Action action)
{
    var clock = Stopwatch.StartNew();
    action();
    return clock.Elapsed.TotalSeconds;
}

// QKᵀ and PV: 2 · 2 · T² · heads · head_dim per layer (causal attention computes the full square in SDPA's math path).
static double AttentionFlops(TokenizedProbes tokens, ModelConfig c) =>
    tokens.Ids.Sum(t => 4.0 * t.Length * t.Length * c.Heads * c.HeadDim * c.Layers);
