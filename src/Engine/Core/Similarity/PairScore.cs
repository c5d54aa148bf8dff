namespace Reef.Engine.Similarity;

/// <summary>
/// One pair of a registry matrix: the scores a scan keeps for every pair (the full layer matrix is the
/// comparison's, on request).
/// </summary>
/// <param name="Reef">CKA at REEF's relative-depth layer: what the verdict judges.</param>
/// <param name="Best">Best layer pair.</param>
/// <param name="Alignment">Mean CKA along the monotone layer alignment.</param>
public sealed record PairScore(double Reef, double Best, double Alignment)
{
    public static PairScore Of(double[,] m)
    {
        var s = LayerSummary.Of(m);
        return new PairScore(s.ReefLayer.Cka, s.BestPair.Cka, s.AlignmentMean);
    }
}
