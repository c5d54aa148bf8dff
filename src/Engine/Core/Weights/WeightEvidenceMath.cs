namespace Reef.Engine.Weights;

/// <summary>A model as a mix of others, estimated from sketches: the weights (summing to 1) and how much is left unexplained.</summary>
/// <param name="Weights">One per parent, in the order given; they sum to 1 (negative for task arithmetic's subtracted base).</param>
/// <param name="Residual">The unexplained part's norm over the child's distance to its nearest parent: near 0 for a merge of
/// these parents, near 1 when the child is an edit of one of them.</param>
public sealed record MixFit(double[] Weights, double Residual);

/// <summary>Comparisons of <see cref="WeightEvidence"/> sketches: distances between models and models as mixes of others.</summary>
public static class WeightEvidenceMath
{
    /// <summary>
    /// ‖S_a − S_b‖ over the root mean square of ‖S_a‖ and ‖S_b‖, over every projection both have: 0 for the same weights, about
    /// √2 for independent ones; NaN when their shapes differ (their sketches are different maps).
    /// </summary>
    public static double Distance(WeightEvidence a, WeightEvidence b)
    {
        if (!a.SameShapes(b)) return double.NaN;
        double difference = 0, normA = 0, normB = 0;
        foreach (var (x, y) in Pairs(a, b))
        {
            difference += (x - y) * (x - y);
            normA += x * x;
            normB += y * y;
        }
        return Math.Sqrt(difference / Math.Max(1e-300, (normA + normB) / 2));
    }

    /// <summary>
    /// How evenly a change is spread: the coefficient of variation, over every projection, of its relative change
    /// ‖S_child − S_parent‖ / ‖W_parent‖ (a sketch's squared norm estimates the weights' without bias, so this is the
    /// relative change of the weights themselves, up to the sketch's few-percent error). Noise added in proportion to each
    /// tensor's scale changes them all alike (near 0); training moves some projections far more than others. NaN when the
    /// shapes differ.
    /// </summary>
    public static double ChangeSpread(WeightEvidence parent, WeightEvidence child)
    {
        if (!parent.SameShapes(child)) return double.NaN;
        var changes = new List<double>();
        for (var cell = 0; cell < parent.Layers * WeightEvidence.Kinds; cell++)
        {
            if (parent.Shapes[2 * cell] == 0 || !(parent.Norms[cell] > 0)) continue;
            var p = parent.Sketch.AsSpan(cell * WeightEvidence.SketchCells, WeightEvidence.SketchCells);
            var c = child.Sketch.AsSpan(cell * WeightEvidence.SketchCells, WeightEvidence.SketchCells);
            double difference = 0;
            for (var i = 0; i < p.Length; i++) difference += (c[i] - p[i]) * (double)(c[i] - p[i]);
            changes.Add(Math.Sqrt(difference) / parent.Norms[cell]);
        }
        var mean = changes.Average();
        return mean <= 0 ? 0 : Math.Sqrt(changes.Average(x => (x - mean) * (x - mean))) / mean;
    }

    /// <summary>
    /// The weights w (Σw = 1) that make Σ w_k·parent_k closest to <paramref name="child"/> in sketch space, by least squares:
    /// exact for linear merges (a sketch is linear in the weights), and for task arithmetic with the base among the parents.
    /// Null when the shapes differ or the parents are not independent directions.
    /// </summary>
    public static MixFit? Mix(WeightEvidence child, IReadOnlyList<WeightEvidence> parents)
    {
        if (parents.Count < 2 || parents.Any(p => !p.SameShapes(child))) return null;
        return Mix(InnerProducts(child, parents), Enumerable.Range(1, parents.Count).ToArray());
    }

    /// <summary>
    /// The inner products of a child's sketch (index 0) and its candidate parents' (1…n), so that the fit of any subset of
    /// them costs O(k³) instead of a pass over the sketches: a merge search tries hundreds of subsets of the same 16.
    /// </summary>
    public static double[,] InnerProducts(WeightEvidence child, IReadOnlyList<WeightEvidence> candidates)
    {
        var sketches = candidates.Prepend(child).Select(e => e.FlatSketch).ToArray();
        var gram = new double[sketches.Length, sketches.Length];
        for (var i = 0; i < sketches.Length; i++)
            for (var j = 0; j <= i; j++) gram[i, j] = gram[j, i] = Dot(sketches[i], sketches[j]);
        return gram;
    }

    /// <summary>
    /// <see cref="Mix(WeightEvidence, IReadOnlyList{WeightEvidence})"/> of the child (index 0 of <paramref name="gram"/>) as a mix
    /// of the sketches at <paramref name="parents"/>, from their inner products alone.
    /// </summary>
    public static MixFit? Mix(double[,] gram, IReadOnlyList<int> parents)
    {
        // child − p0 ≈ Σ_{k≥1} w_k (p_k − p0): normal equations of an m-column least squares, in inner products:
        // ⟨x − p0, y − p0⟩ = ⟨x, y⟩ − ⟨x, p0⟩ − ⟨p0, y⟩ + ⟨p0, p0⟩.
        var p0 = parents[0];
        double Centered(int x, int y) => gram[x, y] - gram[x, p0] - gram[p0, y] + gram[p0, p0];
        var m = parents.Count - 1;
        var normal = new double[m, m];
        var rhs = new double[m];
        for (var i = 0; i < m; i++)
        {
            rhs[i] = Centered(parents[i + 1], 0);
            for (var j = 0; j < m; j++) normal[i, j] = Centered(parents[i + 1], parents[j + 1]);
        }
        var w = Solve(normal, rhs);
        if (w == null) return null;
        // ‖t − Σ w_k d_k‖² = ⟨t, t⟩ − 2 Σ w_k ⟨d_k, t⟩ + Σ w_k w_l ⟨d_k, d_l⟩; at the least-squares solution, ⟨t, t⟩ − Σ w_k ⟨d_k, t⟩.
        var residual = Centered(0, 0);
        for (var k = 0; k < m; k++) residual -= w[k] * rhs[k];
        var nearest = parents.Min(p => Math.Sqrt(Math.Max(0, gram[0, 0] - 2 * gram[0, p] + gram[p, p])));
        var weights = new double[parents.Count];
        weights[0] = 1 - w.Sum();
        for (var k = 0; k < m; k++) weights[k + 1] = w[k];
        return new MixFit(weights, Math.Sqrt(Math.Max(0, residual)) / Math.Max(1e-300, nearest));
    }

    static IEnumerable<(double, double)> Pairs(WeightEvidence a, WeightEvidence b)
    {
        for (var i = 0; i < a.Sketch.Length; i++)
            if (!float.IsNaN(a.Sketch[i]) && !float.IsNaN(b.Sketch[i])) yield return (a.Sketch[i], b.Sketch[i]);
    }

    static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Gaussian elimination with partial pivoting; null when the system is singular.</summary>
    static double[]? Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        var scale = Enumerable.Range(0, n).Max(i => Math.Abs(m[i, i]));
        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r, col]));
            if (Math.Abs(m[pivot, col]) <= 1e-12 * Math.Max(scale, 1e-300)) return null;
            for (var k = 0; k < n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            (x[col], x[pivot]) = (x[pivot], x[col]);
            for (var r = col + 1; r < n; r++)
            {
                var f = m[r, col] / m[col, col];
                for (var k = col; k < n; k++) m[r, k] -= f * m[col, k];
                x[r] -= f * x[col];
            }
        }
        for (var r = n - 1; r >= 0; r--)
        {
            for (var k = r + 1; k < n; k++) x[r] -= m[r, k] * x[k];
            x[r] /= m[r, r];
        }
        return x;
    }
}
