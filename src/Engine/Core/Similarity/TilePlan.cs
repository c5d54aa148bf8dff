using System.Security.Cryptography;
using System.Text;

namespace Reef.Engine.Similarity;

/// <summary>A block of the registry matrix: row fingerprints × column fingerprints, named by its content.</summary>
public sealed record MatrixTile(IReadOnlyList<string> Rows, IReadOnlyList<string> Cols, string Key);

/// <summary>
/// Which tiles bring a registry matrix up to date. Pairs are unordered and include a model with itself.
/// Models with any pair not yet scored are chunked apart from the rest, so when a hub grows only tiles touching new
/// models are planned and none is padded with pairs already scored (likewise a discarded tile is planned again
/// among its own models, not a chunk of its neighbours). Tiles are deterministic in their content, so an
/// interrupted update finds its finished tiles again.
/// </summary>
public static class TilePlan
{
    /// <summary>Tiles covering every unknown pair among <paramref name="keys"/>, <paramref name="size"/> models a side.</summary>
    public static IReadOnlyList<MatrixTile> Plan(IEnumerable<string> keys, Func<string, string, bool> known, int size, string kind)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "tile size must be positive");
        var all = keys.Distinct().Order(StringComparer.Ordinal).ToList();
        var needing = all.Where(a => all.Any(b => !known(a, b))).ToList();
        var chunks = needing.Chunk(size).Concat(all.Except(needing).Chunk(size)).ToList();
        var tiles = new List<MatrixTile>();
        for (var i = 0; i < chunks.Count; i++)
        for (var j = i; j < chunks.Count; j++)
        {
            if (chunks[i].All(a => chunks[j].All(b => known(a, b)))) continue;
            tiles.Add(new MatrixTile(chunks[i], chunks[j], KeyOf(chunks[i], chunks[j], kind)));
        }
        return tiles;
    }

    /// <summary>A tile's key: a hash of what it computes (kind, row keys, column keys), so an interrupted update finds it again.</summary>
    public static string KeyOf(IEnumerable<string> rows, IEnumerable<string> cols, string kind)
    {
        var text = kind + "\n" + string.Join(",", rows) + "\n" + string.Join(",", cols);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }
}
