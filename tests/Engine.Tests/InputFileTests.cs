using System.Diagnostics;
using System.Text.RegularExpressions;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Tests;

/// <summary>What a stranger's files can do to a reader: special files, lying sizes, files past their limits.</summary>
public class InputFileTests
{
    static void MakeFifo(string path) => Process.Start("mkfifo", [path])!.WaitForExit();

    [Fact]
    public void TheFileSystemTellsRegularFilesFromFifosDevicesLinksAndFolders()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("file"), "x");
        MakeFifo(temp.Sub("fifo"));
        File.CreateSymbolicLink(temp.Sub("link"), temp.Sub("file"));
        Assert.Equal((FileKind.Regular, 1L), FileSystemProbe.Stat(temp.Sub("file")));
        Assert.Equal(FileKind.Fifo, FileSystemProbe.Stat(temp.Sub("fifo")).Kind);
        Assert.Equal(FileKind.CharacterDevice, FileSystemProbe.Stat("/dev/null").Kind);
        Assert.Equal(FileKind.SymbolicLink, FileSystemProbe.Stat(temp.Sub("link")).Kind);
        Assert.Equal(FileKind.Directory, FileSystemProbe.Stat(temp.Path).Kind);
        Assert.Equal(FileKind.Missing, FileSystemProbe.Stat(temp.Sub("none")).Kind);
        Assert.Equal(FileSystemProbe.Resolve(temp.Sub("file")), FileSystemProbe.Resolve(temp.Sub("link")));
    }

    [Fact]
    public async Task AWeightFileThatIsAFifoIsRefusedAtOnceInsteadOfBlocking()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        var weights = Directory.GetFiles(dir, "*.safetensors").Single();
        File.Delete(weights);
        MakeFifo(weights);
        var open = Task.Run(() => Checkpoint.Open(dir));
        Assert.Same(open, await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10))));
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => open);
        Assert.Equal(weights, e.File);
        Assert.Contains("FIFO", e.Reason);
    }

    [Theory]
    [InlineData("1e20", "not a whole number")]
    [InlineData("2.5", "not a whole number")]
    [InlineData("1000000000", "above the 4096")]
    [InlineData("4000", "claims 4000 decoder layers; the weights hold 3")]
    public void ALayerCountTheWeightsDoNotBearOutIsRefusedBeforeAnythingIsEnumerated(string layers, string expected)
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        var configPath = Path.Combine(dir, "config.json");
        File.WriteAllText(configPath, Regex.Replace(File.ReadAllText(configPath), "\"num_hidden_layers\":\\s*\\d+", $"\"num_hidden_layers\": {layers}"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsAny<InvalidInputException>(() => DecoderWeights.Validate(Checkpoint.Open(dir)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "validation allocated per claimed layer");
        Assert.Equal(configPath, e.File);
        Assert.Contains(expected, e.Reason);
    }

    [Fact]
    public void FilesOverTheirLimitsAreRefusedNamingTheLimit()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("m"), Architecture.Llama);
        var tokenizer = Path.Combine(dir, "tokenizer.json");
        var limits = InputLimits.Default with { MaxTokenizerBytes = 1024, MaxHeaderBytes = 64, MaxStatementBytes = 100 };
        var e = Assert.Throws<InvalidInputException>(() => ModelTokenizer.Load(tokenizer, limits.MaxTokenizerBytes));
        Assert.Equal(tokenizer, e.File);
        Assert.Contains("--max-tokenizer-bytes", e.Reason);
        var header = Assert.ThrowsAny<InvalidInputException>(() => Checkpoint.Open(dir, limits));
        Assert.Contains("--max-header-bytes", header.Reason);

        File.WriteAllLines(temp.Sub("probes.txt"), ["A short statement.", new string('x', 101) + "."]);
        var statement = Assert.Throws<InvalidInputException>(() => ProbeLoader.Load(temp.Sub("probes.txt"), limits: limits));
        Assert.Equal(temp.Sub("probes.txt"), statement.File);
        Assert.Contains("statement 2", statement.Reason);
        Assert.Contains("--max-statement-bytes", statement.Reason);
    }
}
