using Reef.Engine.Fingerprints;

namespace Reef.Engine.Candidates;

/// <summary>
/// A fingerprint in a few kilobytes, for finding candidates. A layer's Gram, centered and flattened to unit norm, is a
/// unit vector, and linear CKA of two layers is the inner product of theirs; a <see cref="CountSketch"/> of the packed
/// upper triangle (off-diagonal cells × √2, so the packed inner product is the full one) keeps that inner product
/// within about 1/√<see cref="Width"/>. The sketch is the sketches of a few layers at fixed relative depths
/// (<see cref="SketchDepths"/>) side by side, so that the inner product of two sketches estimates the mean CKA over
/// those depths: the quantity an index ranks neighbours by.
/// </summary>
public static class ReefSketch
{
    /// <summary>Buckets per layer.</summary>
    public const int Width = 128;
    /// <summary>Changes with anything that changes what a sketch holds: sketches of another version are made again.</summary>
    public const int Version = 1;

    public static CountSketch Projection { get; } = new(Width, 0x5EEF_0001);

    public static int Dimensions => Width * SketchDepths.Relative.Length;

    /// <summary>The sketch of a fingerprint's standardized Grams (the preprocessing REEF judges).</summary>
    public static float[] Of(Fingerprint fingerprint)
    {
        if (!fingerprint.Grams.TryGetValue(Preprocessing.Standardized, out var grams) || grams.Count == 0)
            throw new ArgumentException($"fingerprint of {fingerprint.Model.Path} has no standardized Grams to sketch");
        return Projection.Of(SketchDepths.Relative.Select(d => PackedUnit(grams[SketchDepths.LayerAt(d, grams.Count)], fingerprint.Count)).ToList());
    }

    /// <summary>The packed upper triangle of an n × n Gram, scaled to unit norm (zeros for a Gram with no variation, whose CKA is 0).</summary>
    static float[] PackedUnit(float[] gram, int n)
    {
        var packed = new float[n * (n + 1) / 2];
        double squares = 0;
        var p = 0;
        for (var i = 0; i < n; i++)
        for (var j = i; j < n; j++, p++)
        {
            var v = (i == j ? 1 : Math.Sqrt(2)) * gram[i * n + j];
            packed[p] = (float)v;
            squares += v * v;
        }
        if (squares == 0) return packed;
        var scale = 1 / Math.Sqrt(squares);
        for (var k = 0; k < packed.Length; k++) packed[k] = (float)(packed[k] * scale);
        return packed;
    }
}
