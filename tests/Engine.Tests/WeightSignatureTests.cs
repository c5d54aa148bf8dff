using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Tests;

public class WeightSignatureTests
{
    static double Score(string a, string b)
    {
        var sa = WeightSignature.TryOf(a, out var ra) ?? throw new InvalidOperationException(ra);
        var sb = WeightSignature.TryOf(b, out var rb) ?? throw new InvalidOperationException(rb);
        return WeightSimilarity.Score(sa, sb);
    }

    /// <summary>Every family, fused (Phi-3) and Conv1D (GPT-2) layouts included.</summary>
    [Theory]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Gemma)]
    [InlineData(Architecture.Qwen2)]
    [InlineData(Architecture.Mistral)]
    [InlineData(Architecture.Phi3)]
    [InlineData(Architecture.Gpt2)]
    public void FunctionPreservingEditsKeepTheSignatureAndAnIndependentModelDoesNot(Architecture architecture)
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), architecture, seed: 3);
        Permute.Apply(parent, temp.Sub("permute"), 5);
        Rescale.Apply(parent, temp.Sub("scale"), 2, 7);
        var other = TestModels.Write(temp.Sub("other"), architecture, seed: 4);

        // Permutation, rescaling and rotation are exact symmetries of the invariants (up to float32 rounding).
        Assert.True(Score(parent, temp.Sub("permute")) > 0.9999, $"permute {Score(parent, temp.Sub("permute"))}");
        Assert.True(Score(parent, temp.Sub("scale")) > 0.9999, $"scale {Score(parent, temp.Sub("scale"))}");
        // GPT-2 has no function-preserving rotation (LayerNorm; DerivationTests.RotatingGpt2IsRefused).
        if (architecture != Architecture.Gpt2)
        {
            Rotate.Apply(parent, temp.Sub("rotate"), 6);
            Assert.True(Score(parent, temp.Sub("rotate")) > 0.9999, $"rotate {Score(parent, temp.Sub("rotate"))}");
        }
        Assert.True(Math.Abs(Score(parent, other)) < 0.2, $"independent {Score(parent, other)}");
    }

    [Fact]
    public void RescalingCancelsAndNoiseOnlyLowersTheScore()
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), Architecture.Llama, seed: 3);
        // The Llama test config has tied embeddings and llama3 rope; rescale works per rotary pair, which cancels in QK.
        Rescale.Apply(parent, temp.Sub("scale"), 2, 7);
        GaussianNoise.Apply(parent, temp.Sub("noise"), 0.5, 8);
        Assert.True(Score(parent, temp.Sub("scale")) > 0.9999, $"scale {Score(parent, temp.Sub("scale"))}");
        var noisy = Score(parent, temp.Sub("noise"));
        Assert.InRange(noisy, 0.3, 0.9999);
    }

    [Fact]
    public void AModelWithoutATokenizerHasNoSignatureAndSaysWhy()
    {
        using var temp = new TempDirectory();
        var gpt2 = TestModels.Write(temp.Sub("gpt2"), Architecture.Gpt2);
        File.Delete(Path.Combine(gpt2, "tokenizer.json"));
        Assert.Null(WeightSignature.TryOf(gpt2, out var reason));
        Assert.Contains("tokenizer.json", reason);
    }

    [Fact]
    public void ByteTokensAreFoundInBothSpellings()
    {
        using var temp = new TempDirectory();
        var path = temp.Sub("tokenizer.json");
        // SentencePiece byte fallback: <0x41> is byte 65.
        File.WriteAllText(path, """{"model":{"type":"BPE","vocab":{"<unk>":0,"<0x41>":1,"<0x0A>":2,"hello":3}}}""");
        var ids = ByteAnchors.Read(path);
        Assert.Equal(1, ids[0x41]);
        Assert.Equal(2, ids[0x0A]);
        Assert.Equal(254, ids.Count(i => i < 0));
        File.WriteAllText(path, "{\"model\":{}}");
        var error = Assert.Throws<InvalidInputException>(() => ByteAnchors.Read(path));
        Assert.Contains("model.vocab", error.Message);
    }
}
