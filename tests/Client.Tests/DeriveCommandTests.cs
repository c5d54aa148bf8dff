using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;

namespace Reef.Client.Tests;

public class DeriveCommandTests
{
    [Fact]
    public void DeriveWritesACheckpointWithItsLineage()
    {
        using var temp = new TempDirectory();
        var source = TestModels.Write(temp.Sub("source"), Architecture.Llama);
        var result = Cli.Run("derive", source, "prune", "--out", temp.Sub("pruned"), "--sparsity", "0.5", "--structured", "--unit", "heads", "--seed", "3");
        Assert.Equal(0, result.ExitCode);
        var lineage = DerivationRecord.Read(temp.Sub("pruned"))!;
        Assert.Equal("prune", lineage.Op);
        Assert.Equal(source, lineage.Parent);
        Assert.Equal("heads", lineage.Parameters["structured"]);
        Assert.Equal(64, lineage.ParentContentHash!.Length);
        Assert.Equal(3, lineage.Seed);
        Assert.Equal(0, Cli.Run("compare", source, temp.Sub("pruned"), "--samples", "16").ExitCode);
    }

    [Theory]
    [InlineData("prune")]                              // no --sparsity
    [InlineData("prune", "--sparsity", "0.3")]         // neither --structured nor --unstructured
    [InlineData("merge")]                              // no --with
    [InlineData("finetune")]                           // no --text
    [InlineData("evade")]                              // no --text
    [InlineData("quantize", "--bits", "3")]
    [InlineData("scale", "--factor", "0.5")]
    public void MissingOrBadOptionsAreUsageErrors(params string[] op)
    {
        using var temp = new TempDirectory();
        var source = TestModels.Write(temp.Sub("source"), Architecture.Llama);
        var result = Cli.Run(["derive", source, .. op, "--out", temp.Sub("out")]);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void EvadeRecordsTheUtilityItKeptAndTheCkaItReached()
    {
        using var temp = new TempDirectory();
        var source = TestModels.Write(temp.Sub("source"), Architecture.Llama);
        File.WriteAllLines(temp.Sub("text.txt"), Enumerable.Range(0, 300).Select(i => $"Line {i} of a plain text about {i % 9} goats and {i % 4} boats."));
        var result = Cli.Run("derive", source, "evade", "--out", temp.Sub("evaded"), "--text", temp.Sub("text.txt"), "--steps", "4", "--seed", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("held-out loss", result.Out);
        var lineage = DerivationRecord.Read(temp.Sub("evaded"))!;
        Assert.Equal("evade", lineage.Op);
        foreach (var key in new[] { "heldout_loss_parent", "heldout_loss", "mean_cka_to_parent", "min_cka_to_parent" })
            Assert.True(double.IsFinite(double.Parse(lineage.Parameters[key], System.Globalization.CultureInfo.InvariantCulture)), key);
    }

    [Fact]
    public void MergingModelsOfDifferentShapesIsBadInput()
    {
        using var temp = new TempDirectory();
        var a = TestModels.Write(temp.Sub("a"), Architecture.Llama);
        var b = temp.Sub("b");
        RandomModel.WriteCheckpoint(b, TestModels.Config(Architecture.Llama) with { IntermediateSize = 48 }, seed: 2);
        var result = Cli.Run("derive", a, "merge", "--with", b, "--out", temp.Sub("m"));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot merge", result.Error);
    }

    [Fact]
    public void EditsAFamilyCannotTakeAreRefusedSayingWhy()
    {
        using var temp = new TempDirectory();
        var gpt2 = TestModels.Write(temp.Sub("gpt2"), Architecture.Gpt2);
        var rotated = Cli.Run("derive", gpt2, "rotate", "--out", temp.Sub("r"));
        Assert.Equal(3, rotated.ExitCode);
        Assert.Contains("LayerNorm", rotated.Error);
        var pruned = Cli.Run("derive", gpt2, "prune", "--out", temp.Sub("p"), "--sparsity", "0.5", "--structured", "--unit", "heads");
        Assert.Equal(3, pruned.ExitCode);
        Assert.Contains("Llama-family", pruned.Error);
        // Permute works on every family now.
        Assert.Equal(0, Cli.Run("derive", gpt2, "permute", "--out", temp.Sub("permuted")).ExitCode);
    }
}
