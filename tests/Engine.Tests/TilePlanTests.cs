using Reef.Engine.Similarity;

namespace Reef.Engine.Tests;

public sealed class TilePlanTests
{
    const string Kind = "linear/test";

    static List<string> Keys(int n) => Enumerable.Range(0, n).Select(i => $"m{i:D3}").ToList();

    /// <summary>Every unordered pair (with itself) of the tiles, counted with multiplicity.</summary>
    static Dictionary<(string, string), int> Covered(IEnumerable<MatrixTile> tiles)
    {
        var covered = new Dictionary<(string, string), int>();
        foreach (var t in tiles)
        {
            var pairs = new HashSet<(string, string)>();
            foreach (var a in t.Rows)
            foreach (var b in t.Cols)
                pairs.Add(string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a));
            foreach (var p in pairs) covered[p] = covered.GetValueOrDefault(p) + 1;
        }
        return covered;
    }

    [Fact]
    public void AFreshRegistryIsCoveredOnceByTilesOfTheGivenSize()
    {
        var keys = Keys(10);
        var tiles = TilePlan.Plan(keys, (_, _) => false, 4, Kind);
        Assert.Equal(6, tiles.Count); // chunks of 4, 4, 2: upper triangle of 3 × 3
        Assert.All(tiles, t => Assert.True(t.Rows.Count <= 4 && t.Cols.Count <= 4));
        var covered = Covered(tiles);
        Assert.Equal(10 * 11 / 2, covered.Count);
        Assert.All(covered.Values, c => Assert.Equal(1, c));
    }

    [Fact]
    public void AGrownHubPlansOnlyPairsTouchingNewModelsUnpadded()
    {
        var old = Keys(8);
        var grown = old.Concat(["m100", "m101"]).ToList();
        var tiles = TilePlan.Plan(grown, (a, b) => old.Contains(a) && old.Contains(b), 4, Kind);
        var covered = Covered(tiles);
        Assert.DoesNotContain(covered.Keys, p => old.Contains(p.Item1) && old.Contains(p.Item2));
        Assert.Equal(2 * 8 + 3, covered.Count); // new × old, and the new pair with themselves and each other
    }

    [Fact]
    public void ADiscardedTileIsPlannedAgainUnderItsOwnKey()
    {
        var keys = Keys(10);
        var first = TilePlan.Plan(keys, (_, _) => false, 4, Kind);
        foreach (var lost in first)
        {
            bool Known(string a, string b) => !(lost.Rows.Contains(a) && lost.Cols.Contains(b) || lost.Rows.Contains(b) && lost.Cols.Contains(a));
            var again = TilePlan.Plan(keys, Known, 4, Kind);
            Assert.Equal(lost.Key, Assert.Single(again).Key);
        }
    }
}
