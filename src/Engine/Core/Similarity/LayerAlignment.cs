namespace Reef.Engine.Similarity;

/// <summary>
/// The order-preserving matching of layers that maximizes total CKA: every layer of the shallower model is
/// paired with a distinct layer of the deeper one, in increasing order on both sides (dynamic programming,
/// O(L₁L₂)). Models of different depth, such as layer-pruned derivatives, still line up.
/// </summary>
public static class LayerAlignment
{
    /// <summary>The pairs (layer of A, layer of B) and their mean CKA.</summary>
    public static (IReadOnlyList<(int A, int B)> Pairs, double Mean) Best(double[,] m)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        if (rows > cols)
        {
            var (pairs, mean) = Best(Transpose(m));
            return (pairs.Select(p => (p.B, p.A)).ToList(), mean);
        }
        // best[i, j]: best total matching layers 0..i-1 of A into layers 0..j-1 of B.
        var best = new double[rows + 1, cols + 1];
        for (var i = 1; i <= rows; i++)
        {
            best[i, i - 1] = double.NegativeInfinity;
            for (var j = i; j <= cols; j++)
                best[i, j] = Math.Max(j > i ? best[i, j - 1] : double.NegativeInfinity, best[i - 1, j - 1] + m[i - 1, j - 1]);
        }
        var result = new List<(int, int)>();
        for (int i = rows, j = cols; i > 0; j--)
        {
            if (j > i && best[i, j] == best[i, j - 1]) continue;
            result.Add((i - 1, j - 1));
            i--;
        }
        result.Reverse();
        return (result, best[rows, cols] / rows);
    }

    /// <summary>The transpose of <paramref name="m"/>.</summary>
    public static double[,] Transpose(double[,] m)
    {
        var t = new double[m.GetLength(1), m.GetLength(0)];
        for (var i = 0; i < m.GetLength(0); i++)
        for (var j = 0; j < m.GetLength(1); j++)
            t[j, i] = m[i, j];
        return t;
    }
}
