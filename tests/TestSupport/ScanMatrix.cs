using Reef.Client.Outputs;

namespace Reef.TestSupport;

/// <summary>What the tests compare between two scans, read through matrix.json's own record.</summary>
public static class ScanMatrix
{
    public static MatrixFile Read(string outDir) => OutputFiles.ReadMatrix(outDir);

    /// <summary>REEF-layer CKA of two ids.</summary>
    public static double Reef(this MatrixFile m, string a, string b) =>
        m.ReefLayer[m.Ids.ToList().IndexOf(a)][m.Ids.ToList().IndexOf(b)] ?? throw new InvalidOperationException($"{a} × {b} has no score");

    /// <summary>Largest absolute difference between two matrices over the same ids (fails if ids or gaps differ).</summary>
    public static double MaxDifference(this MatrixFile a, MatrixFile b)
    {
        Assert.Equal(a.Ids, b.Ids);
        var max = 0.0;
        for (var i = 0; i < a.Ids.Count; i++)
        for (var j = 0; j < a.Ids.Count; j++)
        {
            Assert.NotNull(a.ReefLayer[i][j]);
            Assert.NotNull(b.ReefLayer[i][j]);
            max = Math.Max(max, Math.Abs(a.ReefLayer[i][j]!.Value - b.ReefLayer[i][j]!.Value));
        }
        return max;
    }
}
