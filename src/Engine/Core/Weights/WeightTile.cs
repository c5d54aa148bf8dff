namespace Reef.Engine.Weights;

/// <summary>
/// The weight-signature scores of one tile of the registry matrix, beside its REEF scores: every row model against
/// every column model, NaN where either has no signature or the two share too few byte tokens.
/// </summary>
public static class WeightTile
{
    /// <summary>
    /// Scores[row, col]. <paramref name="same"/> says which pairs are one checkpoint (the same content under two ids, or
    /// the diagonal of a tile with itself): those score 1 without a comparison.
    /// </summary>
    public static double[,] Compute(IReadOnlyList<WeightSignature?> rows, IReadOnlyList<WeightSignature?> cols, Func<int, int, bool> same)
    {
        var square = ReferenceEquals(rows, cols);
        using var similarity = new WeightSimilarity(square ? rows : rows.Concat(cols).ToList());
        var offset = square ? 0 : rows.Count;
        var scores = new double[rows.Count, cols.Count];
        for (var r = 0; r < rows.Count; r++)
        for (var c = square ? r : 0; c < cols.Count; c++)
        {
            var score = same(r, c) ? 1.0 : similarity.InvalidReason(r, offset + c) == null ? similarity.Score(r, offset + c) : double.NaN;
            scores[r, c] = score;
            if (square) scores[c, r] = score;
        }
        return scores;
    }
}
