using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>Capture leaves no tensor behind: native memory stays flat however many batches run.</summary>
public class MemoryTests
{
    [Fact]
    public void CaptureLeaksNoTensorsAndResidentMemoryStaysFlat()
    {
        using var temp = new TempDirectory();
        var config = RandomModel.SmallLlama(hidden: 256, layers: 4, heads: 4, kvHeads: 2, ffn: 512);
        RandomModel.WriteCheckpoint(temp.Path, config, seed: 1);
        var checkpoint = Checkpoint.Open(temp.Path);
        using var tokenizer = ModelTokenizer.Load(checkpoint.TokenizerPath!);
        var tokens = TokenizedProbes.Create(ProbeLoader.Load(null, 64), tokenizer, config.MaxPositions, config.VocabSize, temp.Path);
        using var weights = DecoderWeights.Load(checkpoint, new ComputeOptions(CPU, ScalarType.Float32));

        ActivationCapture.Run(weights, tokens, batchSize: 2); // warm-up: allocator pools, JIT
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var residentBefore = Resident();
        for (var run = 0; run < 3; run++) ActivationCapture.Run(weights, tokens, batchSize: 2);
        var liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var growth = Resident() - residentBefore;

        Assert.Equal(liveBefore, liveAfter);
        // 96 batches ran; one leaked batch of this model's intermediates is several MiB.
        Assert.True(growth < 48L << 20, $"resident memory grew by {growth >> 20} MiB over 96 batches");
    }

    static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }
}
