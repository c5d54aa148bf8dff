using Reef.Client.Outputs;

namespace Reef.TestSupport;

/// <summary>A scan's verified pairs as pairs.parquet has them, by the two ids in either order.</summary>
public sealed class ScanPairs
{
    readonly Dictionary<(string, string), PairRow> _rows = new();

    public int Count => _rows.Count;
    public IEnumerable<PairRow> All => _rows.Values;

    public static ScanPairs Read(string outDir)
    {
        var pairs = new ScanPairs();
        foreach (var row in PairsTable.Read(outDir))
            Assert.True(pairs._rows.TryAdd(Key(row.A, row.B), row), $"{row.A} × {row.B} is in pairs.parquet twice");
        return pairs;
    }

    /// <summary>The pair's row, or null when the scan did not verify it.</summary>
    public PairRow? this[string a, string b] => _rows.GetValueOrDefault(Key(a, b));

    static (string, string) Key(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
}
