namespace Reef.Engine.Similarity;

/// <summary>
/// The one-to-one matching of rows to columns of a square matrix that maximizes the sum of the matched entries (the linear
/// assignment problem): the Hungarian method with potentials and shortest augmenting paths, O(n³), up to
/// <see cref="ExactUpTo"/> rows; a greedy matching above.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// Largest n solved exactly. The O(n³) search takes about a second at n = 1,024 and over a minute at 4,096 (real models'
    /// widths), and it is needed only where no matching stands out: unrelated models, whose score a near-optimal matching
    /// leaves about as low. Above it, rows in order of their best entry each take their best free column, O(n²).
    /// </summary>
    public const int ExactUpTo = 1024;

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
        return n <= ExactUpTo ? Hungarian(gain, n) : Greedy(gain, n);
    }

    /// <summary>Rows in descending order of their largest entry, each matched to its best column still free.</summary>
    static int[] Greedy(double[,] gain, int n)
    {
        var best = new double[n];
        for (var i = 0; i < n; i++)
        {
            best[i] = double.NegativeInfinity;
            for (var j = 0; j < n; j++) best[i] = Math.Max(best[i], gain[i, j]);
        }
        var taken = new bool[n];
        var choice = new int[n];
        foreach (var i in Enumerable.Range(0, n).OrderByDescending(i => best[i]))
        {
            var pick = -1;
            for (var j = 0; j < n; j++)
                if (!taken[j] && (pick < 0 || gain[i, j] > gain[i, pick])) pick = j;
            taken[pick] = true;
            choice[i] = pick;
        }
        return choice;
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
