using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Similarity;
using Reef.Engine.Weights;

namespace Reef.Engine.Tests;

public class AlignedWeightScoreTests
{
    static AlignedWeights Aligned(string model) => WeightEvidence.Of(model).Aligned ?? throw new InvalidOperationException($"{model}: no aligned weights");

    static double Score(string a, string b) => AlignedWeightScore.Score(Aligned(a), Aligned(b));

    /// <summary>
    /// Every family: permuting the residual stream, the heads and the FFN channels, and rescaling Q/K and V/O pairs, leave the
    /// aligned score at 1 (the dimensions are matched back, the heads' side cancels); an independent model of the same shape
    /// scores near 0.
    /// </summary>
    [Theory]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Gemma)]
    [InlineData(Architecture.Qwen2)]
    [InlineData(Architecture.Mistral)]
    [InlineData(Architecture.Phi3)]
    [InlineData(Architecture.Gpt2)]
    public void FunctionPreservingEditsKeepTheAlignedScoreAndAnIndependentModelDoesNot(Architecture architecture)
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), architecture, seed: 3);
        Permute.Apply(parent, temp.Sub("permute"), 5);
        Rescale.Apply(parent, temp.Sub("scale"), 2, 7);
        var other = TestModels.Write(temp.Sub("other"), architecture, seed: 4);

        Assert.True(Score(parent, temp.Sub("permute")) > 0.999, $"permute {Score(parent, temp.Sub("permute"))}");
        Assert.True(Score(parent, temp.Sub("scale")) > 0.999, $"scale {Score(parent, temp.Sub("scale"))}");
        Assert.True(Math.Abs(Score(parent, other)) < 0.3, $"independent {Score(parent, other)}");
    }

    /// <summary>The permutation the score finds is the one applied to the residual stream, signs and all.</summary>
    [Fact]
    public void TheMatchedDimensionsAreThePermutationApplied()
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), Architecture.Llama, seed: 3);
        var permutation = ResidualPermutation.Apply(parent, temp.Sub("permuted"), 11);
        var (match, signs) = AlignedWeightScore.MatchDimensions(Aligned(temp.Sub("permuted")), Aligned(parent));
        // The permuted model's coordinate i is the parent's coordinate permutation[i].
        Assert.Equal(permutation, match);
        Assert.All(signs, s => Assert.Equal(1.0, s));
    }

    [Fact]
    public void NoiseOnlyLowersTheScore()
    {
        using var temp = new TempDirectory();
        var parent = TestModels.Write(temp.Sub("parent"), Architecture.Llama, seed: 3);
        GaussianNoise.Apply(parent, temp.Sub("noise"), 0.5, 8);
        Assert.InRange(Score(parent, temp.Sub("noise")), 0.3, 0.9999);
    }

    /// <summary>The factored unbiased CKA equals the textbook one on the dense Grams (Song et al. 2012's unbiased HSIC).</summary>
    [Fact]
    public void FactoredCkaIsUnbiasedCkaOfTheGrams()
    {
        var random = new Random(7);
        const int n = 20, r = 5;
        double[] Random() => Enumerable.Range(0, n * r).Select(_ => random.NextDouble() - 0.3).ToArray();
        var (f, g) = (Random(), Random());
        double[,] Gram(double[] x)
        {
            var k = new double[n, n];
            for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                k[i, j] = i == j ? 0 : Enumerable.Range(0, r).Sum(c => x[i * r + c] * x[j * r + c]);
            return k;
        }
        double Hsic(double[,] k, double[,] l)
        {
            double trace = 0, sumK = 0, sumL = 0, rows = 0;
            for (var i = 0; i < n; i++)
            {
                double rowK = 0, rowL = 0;
                for (var j = 0; j < n; j++)
                {
                    trace += k[i, j] * l[j, i];
                    rowK += k[i, j];
                    rowL += l[i, j];
                }
                sumK += rowK;
                sumL += rowL;
                rows += rowK * rowL;
            }
            return (trace + sumK * sumL / ((n - 1.0) * (n - 2)) - 2.0 / (n - 2) * rows) / (n * (n - 3.0));
        }
        var (kf, kg) = (Gram(f), Gram(g));
        var expected = Hsic(kf, kg) / Math.Sqrt(Hsic(kf, kf) * Hsic(kg, kg));
        Assert.Equal(expected, new GramFactor(f, n, r).Cka(new GramFactor(g, n, r)), 10);
        Assert.Equal(1.0, new GramFactor(f, n, r).Cka(new GramFactor(f, n, r)), 10);
    }

    /// <summary>The assignment maximizes the matched sum: checked against every permutation of small random matrices.</summary>
    [Fact]
    public void TheAssignmentIsOptimal()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 50; trial++)
        {
            var n = 1 + trial % 6;
            var gain = new double[n, n];
            for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                gain[i, j] = trial % 2 == 0 ? random.NextDouble() : random.Next(3); // ties too
            var found = LinearAssignment.Maximize(gain);
            Assert.Equal(n, found.Distinct().Count());
            var best = Permutations(Enumerable.Range(0, n).ToArray()).Max(p => p.Select((j, i) => gain[i, j]).Sum());
            Assert.Equal(best, found.Select((j, i) => gain[i, j]).Sum(), 9);
        }
    }

    static IEnumerable<int[]> Permutations(int[] items) =>
        items.Length <= 1 ? [items]
            : items.SelectMany((x, i) => Permutations(items.Where((_, j) => j != i).ToArray()).Select(rest => (int[])[x, .. rest]));

    /// <summary>The aligned part of stored evidence reads back as written, and a header claiming more than the file holds is refused.</summary>
    [Fact]
    public void StoredAlignedWeightsReadBackAndAreChecked()
    {
        using var temp = new TempDirectory();
        var evidence = WeightEvidence.Of(TestModels.Write(temp.Sub("m"), Architecture.Phi3, seed: 3));
        var bytes = WeightEvidenceFile.ToBytes(evidence);
        var back = WeightEvidenceFile.FromBytes(bytes, "evidence/x").Aligned!;
        Assert.Equal(evidence.Aligned!.Factors, back.Factors);
        Assert.Equal(evidence.Aligned.Anchors, back.Anchors);
        Assert.Equal(evidence.Aligned.Present, back.Present);
        Assert.Equal(evidence.Aligned.LayerIndices, back.LayerIndices);
        Assert.Equal(1.0, AlignedWeightScore.Score(evidence.Aligned, back), 9);

        // The hidden size field sits after the statistics and the flag; claiming twice the size, sealed again, is refused.
        var lying = (byte[])bytes.Clone();
        var hiddenAt = bytes.Length - Store.SealedBytes.ChecksumBytes
            - 4 * (3 + ByteAnchors.Count + back.KeptLayers + ByteAnchors.Count * back.Hidden + back.KeptLayers * AlignedWeights.Kinds * back.Hidden * back.Rank);
        Assert.Equal(back.Hidden, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(lying.AsSpan(hiddenAt)));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lying.AsSpan(hiddenAt), 2 * back.Hidden);
        Store.SealedBytes.Seal(lying);
        Assert.Contains("aligned weights", Assert.Throws<InvalidInputException>(() => WeightEvidenceFile.FromBytes(lying, "evidence/x")).Message);
    }
}
