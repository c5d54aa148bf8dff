using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Lab.Training;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Tests;

public class TrainingTests
{
    /// <summary>A small repetitive text a tiny model learns in tens of steps (evasion tests train on it too).</summary>
    internal static readonly string Text = string.Join("\n", Enumerable.Range(0, 400).Select(i =>
        $"The farmer {(i % 3 == 0 ? "sold" : "bought")} {i % 7 + 2} sheep and the weaver sold {i % 5 + 1} coats at the market."));

    [Fact]
    public void BpeMergesAreWhatHuggingFaceAppliesToTheSameText()
    {
        using var temp = new TempDirectory();
        var merges = BpeTrainer.Train(Text, 30);
        Assert.Equal(30, merges.Count);
        Assert.Equal(merges.Count, merges.Distinct().Count());
        ByteLevelTokenizer.Write(temp.Path, merges);
        using var tokenizer = ModelTokenizer.Load(temp.Sub("tokenizer.json"));
        var bytes = ModelTokenizer.Load(WriteBytesOnly(temp)).Encode(" market.");
        var merged = tokenizer.Encode(" market.");
        // Frequent words collapse to few tokens; every id is in the vocabulary; BOS still comes first.
        Assert.True(merged.Length * 2 <= bytes.Length, $"{merged.Length} tokens vs {bytes.Length} bytes");
        Assert.Equal(256 + merges.Count, merged[0]);
        Assert.All(merged, id => Assert.InRange(id, 0, ByteLevelTokenizer.VocabSize(merges.Count) - 1));
    }

    static string WriteBytesOnly(TempDirectory temp)
    {
        var dir = temp.Sub("bytes");
        Directory.CreateDirectory(dir);
        ByteLevelTokenizer.Write(dir);
        return Path.Combine(dir, "tokenizer.json");
    }

    [Fact]
    public void TrainingLowersTheLossAndWritesALoadableCheckpoint()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("text.txt"), Text);
        var size = ModelSize.Quick with { Hidden = 32, Layers = 2, Heads = 2, Ffn = 64, Merges = 40, Steps = 80, BatchSize = 8, SequenceLength = 32, CorpusBytes = 100_000 };
        var result = SourceTraining.Run(temp.Sub("text.txt"), temp.Sub("model"), size, seed: 3);
        Assert.True(result.FinalLoss < result.FirstLoss - 1.5, $"loss {result.FirstLoss:F2} -> {result.FinalLoss:F2}");
        var checkpoint = Checkpoint.Open(temp.Sub("model"));
        Assert.Equal(ByteLevelTokenizer.VocabSize(40), checkpoint.Config.VocabSize);
        Assert.Equal("train", DerivationRecord.Read(temp.Sub("model"))!.Op);
    }

    [Fact]
    public void FineTuneWithTheSameSeedWritesTheSameBytes()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("text.txt"), Text);
        RandomModel.WriteCheckpoint(temp.Sub("m"), RandomModel.SmallLlama(hidden: 32, layers: 2, heads: 2, kvHeads: 1, ffn: 64), seed: 1);
        FineTune.Apply(temp.Sub("m"), temp.Sub("a"), temp.Sub("text.txt"), 10, 1e-3, seed: 4);
        FineTune.Apply(temp.Sub("m"), temp.Sub("b"), temp.Sub("text.txt"), 10, 1e-3, seed: 4);
        var a = File.ReadAllBytes(temp.Sub("a/model.safetensors"));
        Assert.Equal(a, File.ReadAllBytes(temp.Sub("b/model.safetensors")));
        Assert.NotEqual(a, File.ReadAllBytes(temp.Sub("m/model.safetensors")));
    }
}
