using System.Text.Json;

namespace Reef.Cluster.Tests;

/// <summary>What the tests read back from a scan's matrix.json.</summary>
public sealed record ScanMatrix(IReadOnlyList<string> Ids, double?[][] Reef, IReadOnlyList<JsonElement> Models, int Extracted)
{
    public static ScanMatrix Read(string outDir)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "matrix.json")));
        var root = json.RootElement;
        return new ScanMatrix(
            root.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("reef_layer").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray()).ToArray(),
            root.GetProperty("models").EnumerateArray().Select(e => e.Clone()).ToList(),
            root.GetProperty("extracted").GetInt32());
    }

    /// <summary>Largest absolute difference between two matrices over the same ids (fails if ids or gaps differ).</summary>
    public double MaxDifference(ScanMatrix other)
    {
        Assert.Equal(Ids, other.Ids);
        var max = 0.0;
        for (var i = 0; i < Ids.Count; i++)
        for (var j = 0; j < Ids.Count; j++)
        {
            Assert.NotNull(Reef[i][j]);
            Assert.NotNull(other.Reef[i][j]);
            max = Math.Max(max, Math.Abs(Reef[i][j]!.Value - other.Reef[i][j]!.Value));
        }
        return max;
    }
}
