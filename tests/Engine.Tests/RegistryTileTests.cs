using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using Xunit.Abstractions;

namespace Reef.Engine.Tests;

/// <summary>
/// A registry tile computes its product in float32: its scores stay within 1e-5 of the float64 pairwise comparison, for
/// both kernels, on related and unrelated models with outlier features (the error bound the tile's comments state).
/// </summary>
public sealed class RegistryTileTests(ITestOutputHelper output)
{
    [Fact]
    public void AFloat32TileScoresAsTheFloat64ComparisonDoes()
    {
        var (row, derived, other) = OutlierFingerprints.Make(seed: 8, n: 200, d: 96, layers: 6);
        var cols = new[] { derived, other, row };

        foreach (var kernel in new[] { Kernel.Linear, Kernel.Rbf })
        {
            var tile = RegistryTile.Compute([row], cols, kernel);
            var worst = 0.0;
            for (var c = 0; c < cols.Length; c++)
            {
                var exact = PairScore.Of(LayerMatrix.Compute(row, cols[c], kernel, Preprocessing.Standardized));
                var got = tile[0, c];
                worst = Math.Max(worst, new[] { got.Reef - exact.Reef, got.Best - exact.Best, got.Alignment - exact.Alignment }.Max(Math.Abs));
            }
            output.WriteLine($"{kernel}: largest difference of a float32 tile from the float64 comparison {worst:E2} (related {tile[0, 0].Reef:F4}, unrelated {tile[0, 1].Reef:F4})");
            Assert.True(worst <= 1e-5, $"{kernel}: a tile's scores moved {worst:E2} from the float64 comparison");
            Assert.True(tile[0, 0].Reef > tile[0, 1].Reef + 0.1);
        }
    }
}
