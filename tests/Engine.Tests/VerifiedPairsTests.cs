using Reef.Engine.Similarity;

namespace Reef.Engine.Tests;

/// <summary>
/// What a registry keeps of its scored pairs: which are scored, the stored tiles that hold each key's, and which are
/// related; never the scores. Pairs of keys the registry no longer holds do not count.
/// </summary>
public class VerifiedPairsTests
{
    static TileResult Tile(string[] rows, string[] cols, Func<string, string, double> reef)
    {
        var scores = new PairScore[rows.Length, cols.Length];
        var weights = new double[rows.Length, cols.Length];
        for (var i = 0; i < rows.Length; i++)
        for (var j = 0; j < cols.Length; j++)
        {
            var r = reef(rows[i], cols[j]);
            scores[i, j] = new PairScore(r, r, r);
            weights[i, j] = double.NaN;
        }
        return new TileResult(rows, cols, scores, weights);
    }

    static bool Related(PairScore s, double w) => s.Reef >= 0.5;

    [Fact]
    public void TilesAreListedUnderTheKeysThatLeadTheirPairs()
    {
        var live = new HashSet<string> { "a", "b", "c", "x", "y" };
        var verified = new VerifiedPairs();
        // A candidate tile: one row against partners after it in key order; a and c are related.
        var related = verified.Add("t1", Tile(["a"], ["b", "c"], (_, c) => c == "c" ? 0.9 : 0.1), live.Contains, Related);
        Assert.Equal([("a", "c")], related);
        // A block of the all-pairs plan, with a key the registry does not hold (z).
        verified.Add("t2", Tile(["x", "y", "z"], ["x", "y", "z"], (_, _) => 0.2), live.Contains, Related);

        Assert.True(verified.IsScored("a", "b"));
        Assert.True(verified.IsScored("c", "a"));
        Assert.False(verified.IsScored("b", "c"));
        Assert.True(verified.IsScored("x", "x"));
        Assert.False(verified.IsScored("x", "z"));
        Assert.Equal(["t1"], verified.TilesOf("a"));
        Assert.Empty(verified.TilesOf("b"));
        Assert.Equal(["t2"], verified.TilesOf("y"));
        Assert.Empty(verified.TilesOf("z"));
        // x–x, x–y, y–y of the block and the two candidate pairs.
        Assert.Equal(5, verified.Count);

        // Read twice (a registry reads its tiles again on activation): nothing doubles, nothing is new.
        Assert.Empty(verified.Add("t1", Tile(["a"], ["b", "c"], (_, c) => c == "c" ? 0.9 : 0.1), live.Contains, Related));
        Assert.Equal(["t1"], verified.TilesOf("a"));

        verified.Remove(["c"]);
        Assert.False(verified.IsScored("a", "c"));
        Assert.True(verified.IsScored("a", "b"));
        Assert.Empty(verified.Related);
        Assert.Equal(4, verified.Count);
    }
}
