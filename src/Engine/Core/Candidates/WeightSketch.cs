using Reef.Engine.Weights;

namespace Reef.Engine.Candidates;

/// <summary>
/// A weight signature in a few kilobytes, for finding the candidates REEF misses (heavy pruning, a fine-tune on other
/// data): each invariant block (QK, VO, UD, GG) of the layers at <see cref="SketchDepths"/>, over the cells whose byte
/// tokens the model has, centered and scaled to unit norm as <see cref="WeightSimilarity"/> does, then count-sketched by
/// cell. The inner product of two sketches estimates the mean correlation of those blocks; cells only one vocabulary has
/// add noise, not bias, when most bytes are shared (the exact score, over the common cells, is the verification's).
/// </summary>
public static class WeightSketch
{
    /// <summary>Buckets per block.</summary>
    public const int Width = 32;
    public const int Version = 1;

    public static CountSketch Projection { get; } = new(Width, 0x5EEF_0002);

    public static int Dimensions => Width * SketchDepths.Relative.Length * WeightSignature.Kinds;

    public static float[] Of(WeightSignature signature)
    {
        var rows = new List<float[]>();
        foreach (var depth in SketchDepths.Relative)
        for (var kind = 0; kind < WeightSignature.Kinds; kind++)
            rows.Add(CenteredUnit(signature.Block(SketchDepths.LayerAt(depth, signature.Layers), kind), signature.Present));
        return Projection.Of(rows);
    }

    /// <summary>The block's cells whose row and column bytes are present, centered and of unit norm; zeros elsewhere.</summary>
    static float[] CenteredUnit(ReadOnlySpan<float> block, bool[] present)
    {
        const int side = ByteAnchors.Count;
        var row = new float[side * side];
        double sum = 0;
        var cells = 0;
        for (var r = 0; r < side; r++)
        for (var c = 0; c < side; c++)
            if (present[r] && present[c])
            {
                sum += block[r * side + c];
                cells++;
            }
        if (cells == 0) return row;
        var mean = sum / cells;
        double squares = 0;
        for (var r = 0; r < side; r++)
        for (var c = 0; c < side; c++)
            if (present[r] && present[c])
            {
                var v = block[r * side + c] - mean;
                row[r * side + c] = (float)v;
                squares += v * v;
            }
        if (squares == 0) return row;
        var scale = 1 / Math.Sqrt(squares);
        for (var k = 0; k < row.Length; k++) row[k] = (float)(row[k] * scale);
        return row;
    }
}
