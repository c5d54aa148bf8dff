using Reef.Engine.Similarity;

namespace Reef.Engine.Tests;

public class SimilarityTests
{
    [Fact]
    public void AlignmentIsMonotoneAndMaximal()
    {
        // A 3-layer model against a 5-layer one whose layers 0, 2, 4 match it.
        var m = new double[3, 5];
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 5; j++)
            m[i, j] = j == 2 * i ? 0.9 : 0.1;
        m[2, 1] = 0.95; // a tempting pair that would break the order
        var (pairs, mean) = LayerAlignment.Best(m);
        Assert.Equal([(0, 0), (1, 2), (2, 4)], pairs);
        Assert.Equal(0.9, mean, 9);

        var (transposed, meanT) = LayerAlignment.Best(LayerAlignment.Transpose(m));
        Assert.Equal([(0, 0), (2, 1), (4, 2)], transposed);
        Assert.Equal(mean, meanT, 12);
    }

    [Fact]
    public void AlignmentBeatsEveryOtherMonotoneMatchingByBruteForce()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 50; trial++)
        {
            var m = new double[3, 6];
            for (var i = 0; i < 3; i++)
            for (var j = 0; j < 6; j++)
                m[i, j] = random.NextDouble();
            var (_, mean) = LayerAlignment.Best(m);
            var best = double.NegativeInfinity;
            for (var a = 0; a < 6; a++)
            for (var b = a + 1; b < 6; b++)
            for (var c = b + 1; c < 6; c++)
                best = Math.Max(best, (m[0, a] + m[1, b] + m[2, c]) / 3);
            Assert.Equal(best, mean, 12);
        }
    }

    [Theory]
    [InlineData(32, 18)]
    [InlineData(4, 2)]
    [InlineData(1, 0)]
    [InlineData(24, 14)]
    public void ReefLayerIsAtRelativeDepth(int layers, int expected) => Assert.Equal(expected, Comparison.ReefLayerIndex(layers));

    [Fact]
    public void VerdictBands()
    {
        var t = VerdictThresholds.Default;
        Assert.Equal(Verdict.Derived, t.Judge(0.8));
        Assert.Equal(Verdict.Inconclusive, t.Judge(0.79));
        Assert.Equal(Verdict.Inconclusive, t.Judge(0.5));
        Assert.Equal(Verdict.Unrelated, t.Judge(0.49));
    }
}
