namespace Reef.Engine.Candidates;

/// <summary>
/// A random projection that needs no stored matrix: coordinate p of a long vector is added, with a sign, to one of
/// <see cref="Width"/> buckets, both drawn from a hash of (seed, p). Inner products of unit vectors are kept without
/// bias, with a standard error of about √((1 + ⟨x,y⟩²)/Width), so two vectors sketched with the same seed and width
/// compare as the originals do, within that error. Sketching a vector costs one pass over it.
/// </summary>
/// <param name="Width">Buckets per row.</param>
/// <param name="Seed">Fixes the hash: sketches compare only under the same seed.</param>
public readonly record struct CountSketch(int Width, ulong Seed)
{
    /// <summary>
    /// Unit rows (zero rows allowed: they sketch as zeros) sketched side by side, each sketch scaled to unit norm and
    /// then by 1/√rows, so that the inner product of two such sketches estimates the mean of the rows' inner products
    /// (the cosine of each row's sketches: a sketch's own norm, off by ≈ √(2/Width), cancels instead of ranking a model
    /// above its peers with everyone).
    /// </summary>
    public float[] Of(IReadOnlyList<float[]> rows)
    {
        var sketch = new float[Width * rows.Count];
        var scale = 1 / Math.Sqrt(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var part = sketch.AsSpan(r * Width, Width);
            var row = rows[r];
            for (var p = 0; p < row.Length; p++)
            {
                if (row[p] == 0) continue;
                var h = Mix(Seed ^ (ulong)p);
                var bucket = (int)((h & 0xFFFF_FFFF) % (ulong)Width);
                var value = row[p];
                part[bucket] += (h >> 63) == 0 ? value : -value;
            }
            double squares = 0;
            foreach (var v in part) squares += v * v;
            if (squares == 0) continue;
            var unit = (float)(scale / Math.Sqrt(squares));
            for (var b = 0; b < part.Length; b++) part[b] *= unit;
        }
        return sketch;
    }

    /// <summary>SplitMix64's finalizer: a cheap hash whose every output bit depends on every input bit.</summary>
    static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
