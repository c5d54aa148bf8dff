namespace Reef.Engine.Similarity;

/// <summary>
/// Which pairs of a registry have scores and which stored tiles hold them, but not the scores: a registry reads those
/// from its tiles when asked (a page of pairs, a dense view), so what it keeps per verified pair is one packed pair of
/// ints, not a score record, and no dictionary of scores. Also the pairs that verified as related, which the candidate
/// closure grows from. Keys are fingerprint keys; a pair counts only while both its keys are the registry's.
/// </summary>
/// <remarks>
/// A tile is listed under its row keys, and, when it has several rows (a block of the all-pairs plan), under its
/// column keys too. A candidate tile is one row against partners after it in key order, so in both layouts every pair
/// a key leads in key order is in a tile listed under that key: a page of keys reads only its own tiles.
/// </remarks>
public sealed class VerifiedPairs
{
    readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    readonly List<string> _keys = [];
    readonly HashSet<long> _scored = [];
    readonly HashSet<long> _related = [];
    readonly Dictionary<int, List<string>> _tiles = new();

    /// <summary>Pairs with scores (a key with itself included where a tile scored it).</summary>
    public int Count => _scored.Count;

    /// <summary>
    /// Records a finished tile stored under <paramref name="tileKey"/>: its pairs of keys <paramref name="live"/> accepts
    /// are scored, it is listed under its keys, and the pairs <paramref name="related"/> judges related are noted. Returns
    /// the pairs newly related, for the closure.
    /// </summary>
    public IReadOnlyList<(string A, string B)> Add(string tileKey, TileResult tile, Func<string, bool> live, Func<PairScore, double, bool> related)
    {
        var fresh = new List<(string, string)>();
        for (var i = 0; i < tile.Rows.Count; i++)
        for (var j = 0; j < tile.Cols.Count; j++)
        {
            var (a, b) = (tile.Rows[i], tile.Cols[j]);
            if (!live(a) || !live(b)) continue;
            var pair = Pack(Id(a), Id(b));
            _scored.Add(pair);
            if (a != b && related(tile.Scores[i, j], tile.Weights[i, j]) && _related.Add(pair)) fresh.Add((a, b));
        }
        var listed = tile.Rows.Count > 1 ? tile.Rows.Concat(tile.Cols) : tile.Rows;
        foreach (var key in listed.Where(live).Distinct())
        {
            var id = Id(key);
            if (!_tiles.TryGetValue(id, out var tiles)) _tiles[id] = tiles = [];
            if (!tiles.Contains(tileKey)) tiles.Add(tileKey);
        }
        return fresh;
    }

    public bool IsScored(string a, string b) =>
        _ids.TryGetValue(a, out var x) && _ids.TryGetValue(b, out var y) && _scored.Contains(Pack(x, y));

    /// <summary>The stored tiles that hold every scored pair <paramref name="key"/> leads in key order (and perhaps others).</summary>
    public IReadOnlyList<string> TilesOf(string key) =>
        _ids.TryGetValue(key, out var id) && _tiles.TryGetValue(id, out var tiles) ? tiles : [];

    /// <summary>Every pair noted as related, for a closure that starts again (a fresh candidate index).</summary>
    public IEnumerable<(string A, string B)> Related => _related.Select(p => (_keys[(int)(p >> 32)], _keys[(int)(uint)p]));

    /// <summary>
    /// Forgets keys (their models left the registry) with their pairs and tile listings. Their tiles stay in the store; a
    /// key that comes back is a new key here, and its pairs count again when their tiles are read again.
    /// </summary>
    public void Remove(IEnumerable<string> keys)
    {
        var gone = new HashSet<int>();
        foreach (var key in keys)
            if (_ids.Remove(key, out var id))
            {
                gone.Add(id);
                _tiles.Remove(id);
            }
        if (gone.Count == 0) return;
        bool Touches(long p) => gone.Contains((int)(p >> 32)) || gone.Contains((int)(uint)p);
        _scored.RemoveWhere(Touches);
        _related.RemoveWhere(Touches);
    }

    int Id(string key)
    {
        if (_ids.TryGetValue(key, out var id)) return id;
        _ids[key] = id = _keys.Count;
        _keys.Add(key);
        return id;
    }

    /// <summary>The unordered pair as one value: smaller id in the high half.</summary>
    static long Pack(int a, int b) => a < b ? (long)a << 32 | (uint)b : (long)b << 32 | (uint)a;
}
