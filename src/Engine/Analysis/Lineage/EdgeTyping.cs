using Reef.Engine.Weights;

namespace Reef.Engine.Analysis.Lineage;

/// <summary>
/// Types the edge between two related models from their raw-weight evidence (<see cref="WeightEvidence"/>) and weight
/// signature score, not from names, and says which is the child where the evidence can: quantization and pruning lose
/// information (fewer levels per row, more zeros, fewer units), so the poorer model is the child. Merges are found among
/// three or more models (<see cref="MergeOf"/>). Thresholds are set on the lab's edits (WeightEvidenceTests) with wide
/// margins on both sides.
/// </summary>
public static class EdgeTyping
{
    /// <summary>Distinct fraction below which rows share levels (quantized: 0.70 at 8 bits, 0.12 at 4; trained and pruned: 1.00).</summary>
    const double QuantizedBelow = 0.9;
    /// <summary>Zero-fraction difference that is pruning (training leaves none; 4-bit rounding makes some, but those rows are quantized).</summary>
    const double PrunedAbove = 0.05;
    /// <summary>
    /// Fraction of entries under 5 % of their row's RMS above which weights have grown back from zeros: trained weights have
    /// about 4 % (a Gaussian 4 %, a Laplace 7 %), a model trained on from a 90 %-pruned one 12 % (the zoo's recovered fine-tunes).
    /// </summary>
    const double RegrownAbove = 0.09;
    /// <summary>Signature score at which the function is the same (re-parameterizations score 1.0000 to 4 places).</summary>
    const double SameFunction = 0.999;
    /// <summary>Raw-weight distance beyond which a same-function pair has really moved its weights (scale: 0.34; noise 1 %: 0.01).</summary>
    const double Moved = 0.2;
    /// <summary>
    /// Change spread below which a small change is even, as noise is: the zoos' 1 % noise 0.04–0.07, their fine-tunes 0.11–0.41
    /// (`reef-bench-engine edges` prints each).
    /// </summary>
    public const double EvenBelow = 0.09;

    /// <summary>The edge between <paramref name="first"/> and <paramref name="second"/>, two models judged related.</summary>
    public static EdgeType Classify(WeightEvidence first, WeightEvidence second, double signatureScore)
    {
        if (!first.SameShapes(second)) return ByShapes(first, second);
        var (d1, d2) = (first.MedianDistinctFraction, second.MedianDistinctFraction);
        if (Math.Min(d1, d2) < QuantizedBelow && Math.Max(d1, d2) >= QuantizedBelow)
            return new EdgeType(EdgeKind.Quantization, d2 < d1, null,
                $"rows share quantization levels: distinct values {Math.Min(d1, d2):F2} of the entries against {Math.Max(d1, d2):F2}");
        var (s1, s2) = (first.Sparsity, second.Sparsity);
        if (Math.Abs(s1 - s2) > PrunedAbove)
        {
            // Training on from a pruned model fills its zeros with small values: the denser model is then the child.
            var dense = s1 < s2 ? first : second;
            if (dense.MedianSmallFraction > RegrownAbove)
                return new EdgeType(EdgeKind.FineTune, s1 < s2 ? false : true, null,
                    $"trained on from a pruned model: {dense.MedianSmallFraction:P0} of its weights are near zero (trained: about 4 %), where the other has {Math.Max(s1, s2):P0} exact zeros");
            return new EdgeType(EdgeKind.UnstructuredPrune, s2 > s1, null, $"exact zeros: {Math.Max(s1, s2):P0} of the weights against {Math.Min(s1, s2):P0}");
        }
        var distance = WeightEvidenceMath.Distance(first, second);
        if (signatureScore >= SameFunction && distance >= Moved)
            return new EdgeType(EdgeKind.Reparameterization, null, null,
                $"same function (weight signature {signatureScore:F4}) with moved weights (raw distance {distance:F2})");
        var spread = WeightEvidenceMath.ChangeSpread(first, second);
        if (distance < Moved && spread < EvenBelow)
            return new EdgeType(EdgeKind.Other, null, null, $"an even change of every weight (spread {spread:F2}, raw distance {distance:F3}), as noise makes");
        return new EdgeType(EdgeKind.FineTune, null, null, $"weights moved unevenly (spread {spread:F2}, raw distance {distance:F3})");
    }

    /// <summary>
    /// Whether <paramref name="child"/> is a merge of some of <paramref name="candidates"/>: the candidates it is a mix of
    /// (indices into the list), the mixing weights and the fit's residual, or null. A mix explains a merge to rounding (residual 1e-6 on the
    /// lab's and the zoo's merges) and a sibling or a fine-tune hardly at all (residual 0.9–1.0). Parents are sought among
    /// the <paramref name="nearest"/> candidates closest in raw weights (a merge is within half its parents' distance of
    /// each), in two and three, so a family of any size costs a fixed number of fits.
    /// </summary>
    public static (int[] Parents, double[] Weights, double Residual)? MergeOf(WeightEvidence child, IReadOnlyList<WeightEvidence> candidates, double maxResidual = 0.05,
        int nearest = 16)
    {
        (int[] Parents, double[] Weights, double Residual)? best = null;
        var comparable = Enumerable.Range(0, candidates.Count).Where(i => candidates[i].SameShapes(child))
            .OrderBy(i => WeightEvidenceMath.Distance(child, candidates[i])).Take(nearest).Order().ToList();
        // Every subset's fit from one table of inner products (row 0 the child, row k + 1 comparable[k]).
        var gram = WeightEvidenceMath.InnerProducts(child, comparable.Select(i => candidates[i]).ToList());
        foreach (var picked in Subsets(Enumerable.Range(0, comparable.Count).ToList(), 2, 3))
        {
            var subset = picked.Select(k => comparable[k]).ToArray();
            var fit = WeightEvidenceMath.Mix(gram, picked.Select(k => k + 1).ToArray());
            // Every parent must contribute: a weight near 0 is a parent the mix does not need, near 1 an edit of one model.
            // Written as "not within" so that a NaN fit (weights with NaN or infinite values, which a stranger's file may
            // hold) is rejected, never accepted.
            if (fit == null || !(fit.Residual <= maxResidual) || fit.Weights.Any(w => !(w is >= 0.02 and <= 0.98))) continue;
            // The fewest parents that explain it, then the best fit.
            if (best == null || subset.Length < best.Value.Parents.Length || (subset.Length == best.Value.Parents.Length && fit.Residual < best.Value.Residual))
                best = (subset, fit.Weights, fit.Residual);
        }
        return best;
    }

    static EdgeType ByShapes(WeightEvidence first, WeightEvidence second)
    {
        // Compare the first layer's projections: which dimension shrank names the unit.
        var (q1, q2) = (first.Shape(0, 0), second.Shape(0, 0));
        var (up1, up2) = (first.Shape(0, 5), second.Shape(0, 5));
        string unit;
        bool secondSmaller;
        if (first.Layers != second.Layers) (unit, secondSmaller) = ("layers", second.Layers < first.Layers);
        else if (q1.In != q2.In) (unit, secondSmaller) = ("hidden", q2.In < q1.In);
        else if (up1.Out != up2.Out) (unit, secondSmaller) = ("ffn", up2.Out < up1.Out);
        else (unit, secondSmaller) = ("heads", q2.Out < q1.Out);
        // A unit removed is a structured prune of the larger model; nothing here can tell a model grown from a smaller one,
        // so the smaller is taken as the child (size as the tie-break the issue allows when evidence is silent).
        return new EdgeType(EdgeKind.StructuredPrune, secondSmaller, unit, $"{unit} removed: the child's shapes are the parent's less whole units");
    }

    static IEnumerable<int[]> Subsets(IReadOnlyList<int> items, int min, int max)
    {
        for (var size = min; size <= Math.Min(max, items.Count); size++)
            foreach (var subset in Choose(items, size, 0)) yield return subset;
    }

    static IEnumerable<int[]> Choose(IReadOnlyList<int> items, int size, int from)
    {
        if (size == 0) { yield return []; yield break; }
        for (var i = from; i <= items.Count - size; i++)
            foreach (var rest in Choose(items, size - 1, i + 1)) yield return [items[i], .. rest];
    }
}
