using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Inspection;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using Reef.Engine.Weights;
using Architecture = Reef.Engine.Models.Architecture;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

/// <summary>
/// A checkpoint streamed block by block gives the activations, hash and weight signature of the same checkpoint loaded
/// whole, reading every byte of its weights once.
/// </summary>
public class LayerStreamingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const double Tolerance = 1e-5;

    static readonly ComputeOptions Whole = ComputeOptions.Cpu with { MaxMemoryBytes = long.MaxValue / 4 };
    static readonly ComputeOptions Streaming = ComputeOptions.Cpu with { MaxMemoryBytes = 1 };

    /// <summary>Every parity checkpoint: each family, stored as F32 and BF16, in one file and sharded.</summary>
    public static TheoryData<Architecture, Dtype, int> Cases() => ParityTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void StreamingEqualsWholeModelAndReadsEachByteOnce(Architecture architecture, Dtype dtype, int shards)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("model"), architecture, seed: 21, dtype: dtype, shards: shards);
        var checkpoint = Checkpoint.Open(dir);
        var tokens = Tokens(checkpoint, 12);

        var whole = CheckpointPass.Run(checkpoint, tokens, Whole, batchSize: 5);
        var streamed = CheckpointPass.Run(checkpoint, tokens, Streaming, batchSize: 5);

        Assert.False(whole.Streamed);
        Assert.True(streamed.Streamed);
        Assert.Equal(checkpoint.Config.Layers, streamed.Activations!.LayerCount);
        var largest = 0f;
        for (var layer = 0; layer < whole.Activations!.LayerCount; layer++)
        {
            var worst = whole.Activations.Layers[layer].Zip(streamed.Activations.Layers[layer], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= Tolerance, $"layer {layer}: streamed differs from whole by {worst}");
            largest = Math.Max(largest, worst);
        }
        output.WriteLine($"{architecture} {dtype} {shards} shard(s): streamed vs whole, largest difference {largest:E2}");
        Assert.Equal(checkpoint.ComputeContentHash(), whole.ContentHash);
        Assert.Equal(whole.ContentHash, streamed.ContentHash);
        // Every tensor once, the LM head and final norm (never run) hashed unallocated: the data sections exactly.
        Assert.Equal(checkpoint.WeightBytes, whole.BytesRead);
        Assert.Equal(checkpoint.WeightBytes, streamed.BytesRead);
        Assert.Equal(whole.WeightSignature is null, streamed.WeightSignature is null);
        if (whole.WeightSignature is { } a) AssertSameSignature(a, streamed.WeightSignature!);
    }

    [Theory]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Gemma)]
    public void TheSignatureOfAPassIsTheSignatureReadOnItsOwn(Architecture architecture)
    {
        using var temp = new TempDirectory();
        var checkpoint = Checkpoint.Open(TestModels.Write(temp.Sub("model"), architecture, seed: 5, dtype: Dtype.BF16, shards: 2));
        var alone = WeightSignature.TryOf(checkpoint, out var reason) ?? throw new InvalidOperationException(reason);
        AssertSameSignature(alone, CheckpointInspection.Inspect(checkpoint.Directory).WeightSignature!);
        AssertSameSignature(alone, CheckpointPass.Run(checkpoint, Tokens(checkpoint, 6), Streaming).WeightSignature!);
    }

    [Fact]
    public void TheHashCoversTensorsThePassNeverRuns()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("model"), Architecture.Mistral, seed: 8);
        var checkpoint = Checkpoint.Open(dir);
        var before = checkpoint.ComputeContentHash();
        // One byte of the final norm, which no fingerprint reads.
        var (file, entry) = checkpoint.Tensors[FamilyLayout.For(Architecture.Mistral).FinalNorm + ".weight"];
        using (var stream = new FileStream(file.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Seek(entry.Start + 1, SeekOrigin.Begin);
            var b = stream.ReadByte();
            stream.Seek(-1, SeekOrigin.Current);
            stream.WriteByte((byte)(b ^ 0x40));
        }
        var after = Checkpoint.Open(dir);
        Assert.NotEqual(before, after.ComputeContentHash());
        Assert.Equal(after.ComputeContentHash(), CheckpointPass.Run(after, Tokens(after, 4), Streaming).ContentHash);
    }

    [Fact]
    public void ATensorIsNeverReadTwiceInOnePass()
    {
        using var temp = new TempDirectory();
        var checkpoint = Checkpoint.Open(TestModels.Write(temp.Sub("model"), Architecture.Llama));
        using var reader = new CheckpointReader(checkpoint);
        reader.Read("model.embed_tokens.weight").Dispose();
        Assert.Throws<InvalidOperationException>(() => reader.Read("model.embed_tokens.weight"));
    }

    [Fact]
    public void AFingerprintOfContentChangedSinceItWasHashedIsRefused()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("model"), Architecture.Llama);
        var probes = ProbeLoader.Load(null, 8);
        var error = Assert.Throws<IOException>(() => FingerprintBuilder.Build(dir, probes, Streaming, contentHash: new string('0', 64)));
        Assert.Contains("changed while it was being scanned", error.Message);
    }

    [Theory]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("1500MB", 1_500_000_000L)]
    [InlineData("8G", 8L << 30)]
    [InlineData("512 MiB", 512L << 20)]
    [InlineData("123456", 123456L)]
    public void MemorySizesParse(string text, long bytes) => Assert.Equal(bytes, MemoryBudget.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("2 parsecs")]
    [InlineData("0")]
    public void BadMemorySizesAreRefused(string text) => Assert.Throws<ArgumentException>(() => MemoryBudget.Parse(text));

    [Fact]
    public void TheBudgetStreamsOnlyWhatDoesNotFit()
    {
        var config = TestModels.Config(Architecture.Llama);
        var bytes = MemoryBudget.WholeModelBytes(config, ComputeOptions.Cpu);
        Assert.Equal(config.ParameterCount * 4, bytes);
        Assert.False(MemoryBudget.MustStream(config, ComputeOptions.Cpu with { MaxMemoryBytes = bytes }));
        Assert.True(MemoryBudget.MustStream(config, ComputeOptions.Cpu with { MaxMemoryBytes = bytes - 1 }));
        Assert.True(MemoryBudget.Default > 0);
    }

    static TokenizedProbes Tokens(Checkpoint checkpoint, int count)
    {
        using var tokenizer = ModelTokenizer.Load(checkpoint.TokenizerPath!);
        return TokenizedProbes.Create(ProbeLoader.Load(null, count), tokenizer, checkpoint.Config.MaxPositions, checkpoint.Config.VocabSize, checkpoint.Directory);
    }

    static void AssertSameSignature(WeightSignature a, WeightSignature b)
    {
        Assert.Equal(a.Present, b.Present);
        var worst = a.Invariants.Zip(b.Invariants, (x, y) => Math.Abs(x - y) / (1 + Math.Abs(x))).Max();
        Assert.True(worst < 1e-5, $"signatures differ by {worst}");
    }
}
