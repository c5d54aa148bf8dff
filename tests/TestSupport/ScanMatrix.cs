using Reef.Client.Outputs;

namespace Reef.TestSupport;

/// <summary>What the tests compare between two scans, read through matrix.json's own record.</summary>
public static class ScanMatrix
{
    public static MatrixFile Read(string outDir) => OutputFiles.ReadMatrix(outDir);

    /// <summary>REEF-layer CKA of two ids.</summary>
    public static double Reef(this MatrixFile m, string a, string b) =>
        Dense(m.ReefLayer)[m.Ids.ToList().IndexOf(a)][m.Ids.ToList().IndexOf(b)] ?? throw new InvalidOperationException($"{a} × {b} has no score");

    /// <summary>Largest absolute difference between two matrices over the same ids (fails if ids or gaps differ).</summary>
    public static double MaxDifference(this MatrixFile a, MatrixFile b)
    {
        Assert.Equal(a.Ids, b.Ids);
        var (x, y) = (Dense(a.ReefLayer), Dense(b.ReefLayer));
        var max = 0.0;
        for (var i = 0; i < a.Ids.Count; i++)
        for (var j = 0; j < a.Ids.Count; j++)
        {
            Assert.NotNull(x[i][j]);
            Assert.NotNull(y[i][j]);
            max = Math.Max(max, Math.Abs(x[i][j]!.Value - y[i][j]!.Value));
        }
        return max;
    }

    /// <summary>One of matrix.json's N × N views, which a scan writes for hubs up to its --dense-up-to.</summary>
    public static T[][] Dense<T>(T[][]? view) => view ?? throw new InvalidOperationException("matrix.json has no N × N views (a hub above --dense-up-to)");
}
