namespace Reef.Engine.Similarity;

/// <summary>
/// What a layer-by-layer CKA matrix says in a few numbers: the paper's relative-depth layer, the best layer
/// pair, and the monotone alignment. A single comparison and every pair of a registry tile use this one summary.
/// </summary>
public sealed record LayerSummary(LayerScore ReefLayer, LayerScore BestPair, IReadOnlyList<(int A, int B)> Alignment, double AlignmentMean)
{
    /// <summary>Summarizes <paramref name="m"/> (CKA[layer of A, layer of B]).</summary>
    public static LayerSummary Of(double[,] m)
    {
        int la = m.GetLength(0), lb = m.GetLength(1);
        int ra = Comparison.ReefLayerIndex(la), rb = Comparison.ReefLayerIndex(lb);
        var best = new LayerScore(0, 0, double.NegativeInfinity);
        for (var i = 0; i < la; i++)
        for (var j = 0; j < lb; j++)
            if (m[i, j] > best.Cka) best = new LayerScore(i, j, m[i, j]);
        var (pairs, mean) = LayerAlignment.Best(m);
        return new LayerSummary(new LayerScore(ra, rb, m[ra, rb]), best, pairs, mean);
    }
}
