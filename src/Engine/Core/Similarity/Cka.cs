using Reef.Engine.Fingerprints;

namespace Reef.Engine.Similarity;

/// <summary>CKA of two activation matrices (same rows, any widths), through the same Gram path fingerprints use.</summary>
public static class Cka
{
    /// <summary>CKA of X (n × dx) and Y (n × dy), row-major.</summary>
    public static double Compute(float[] x, int dx, float[] y, int dy, int n, Kernel kernel, Preprocessing preprocessing)
    {
        var fx = SingleLayer(x, n, dx, preprocessing);
        var fy = SingleLayer(y, n, dy, preprocessing);
        return LayerMatrix.Compute(fx, fy, kernel, preprocessing)[0, 0];
    }

    static Fingerprint SingleLayer(float[] matrix, int n, int d, Preprocessing preprocessing) => new()
    {
        Model = new ModelIdentity("matrix", "", "", 1, d, 0),
        ProbeSetName = "matrix", ProbeHash = "matrix", Count = n,
        Grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>> { [preprocessing] = [GramMatrix.Compute(matrix, n, d, preprocessing)] },
    };
}
