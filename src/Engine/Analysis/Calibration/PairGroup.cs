namespace Reef.Engine.Analysis.Calibration;

/// <summary>
/// Which null a pair is judged against: its architecture pairing and the depths of its two models (the layer a
/// single-layer score reads depends on the depth). Unordered: A×B is B×A.
/// </summary>
public sealed record PairGroup(string Architectures, string Depths)
{
    public static PairGroup Of(string architectureA, int layersA, string architectureB, int layersB)
    {
        var (first, second) = string.CompareOrdinal(architectureA + layersA, architectureB + layersB) <= 0
            ? ((architectureA, layersA), (architectureB, layersB)) : ((architectureB, layersB), (architectureA, layersA));
        return new PairGroup($"{first.Item1}×{second.Item1}", $"{first.Item2}×{second.Item2}");
    }

    public override string ToString() => $"{Architectures}, {Depths} layers";
}
