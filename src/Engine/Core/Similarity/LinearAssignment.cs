namespace Reef.Engine.Similarity;

/// <summary>
/// The one-to-one matching of rows to columns of a square matrix that maximizes the sum of the matched entries (the linear
/// assignment problem): the Hungarian method with potentials and shortest augmenting paths, O(n³).
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// For each row i, the column matched to it. When every row's largest entry lies in a different column, that choice is
    /// optimal (no matching can beat every row's maximum) and is returned in O(n²) without the O(n³) search: the usual case
    /// for a model and its derivative, whose matching dimensions stand out.
    /// </summary>
    public static int[] Maximize(double[,] gain)
    {
        var n = gain.GetLength(0);
        if (gain.GetLength(1) != n) throw new ArgumentException("the matrix must be square", nameof(gain));
        if (RowMaxima(gain) is { } distinct) return distinct;
        return Hungarian(gain, n);
    }

    /// <summary>Each row's argmax when no two rows share one; otherwise null.</summary>
    static int[]? RowMaxima(double[,] gain)
    {
        var n = gain.GetLength(0);
        var choice = new int[n];
        var taken = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var j = 1; j < n; j++)
                if (gain[i, j] > gain[i, best]) best = j;
            if (taken[best]) return null;
            taken[best] = true;
            choice[i] = best;
        }
        return choice;
    }

    /// <summary>Minimizes the sum of −gain: rows are added one at a time, each by the cheapest augmenting path under the potentials.</summary>
    static int[] Hungarian(double[,] gain, int n)
    {
        // 1-based, with column 0 as the root of every augmenting path.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var rowOf = new int[n + 1];
        var way = new int[n + 1];
        var slack = new double[n + 1];
        var used = new bool[n + 1];
        for (var i = 1; i <= n; i++)
        {
            rowOf[0] = i;
            var column = 0;
            Array.Fill(slack, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[column] = true;
                int row = rowOf[column], next = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    var reduced = -gain[row - 1, j - 1] - u[row] - v[j];
                    if (reduced < slack[j])
                    {
                        slack[j] = reduced;
                        way[j] = column;
                    }
                    if (slack[j] < delta)
                    {
                        delta = slack[j];
                        next = j;
                    }
                }
                for (var j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    }
                    else slack[j] -= delta;
                }
                column = next;
            } while (rowOf[column] != 0);
            do
            {
                var previous = way[column];
                rowOf[column] = rowOf[previous];
                column = previous;
            } while (column != 0);
        }
        var assignment = new int[n];
        for (var j = 1; j <= n; j++) assignment[rowOf[j] - 1] = j - 1;
        return assignment;
    }
}
