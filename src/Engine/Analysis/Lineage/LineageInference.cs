namespace Reef.Engine.Analysis.Lineage;

/// <summary>
/// Proposes each family's root and parent edges. The root is the largest model (structured pruning only
/// shrinks: depth, then width, then parameters) and, among equals, the most central, the one every derivative
/// resembles. The tree then grows from the root as a maximum spanning tree: each step attaches the outside model
/// closest to a model already placed, never under a smaller model; near-ties go to the model placed earlier,
/// which is closer to the root. Function-preserving edits (permute, scale, rotate) score the same against
/// everything as their parent does, so no score can order them: they attach to the earlier model, and exact ties
/// fall to the registry order. Checkpoint metadata, where it names a family member, overrides the scores.
/// </summary>
public static class LineageInference
{
    /// <summary>Closeness differences below this are ties.</summary>
    public const double Tie = 1e-4;

    /// <param name="family">Member indices.</param>
    /// <param name="models">The registry's models (for sizes).</param>
    /// <param name="closeness">Higher is closer.</param>
    /// <param name="hints">Parent named by each model's metadata, -1 where none (null to ignore metadata).</param>
    public static IReadOnlyList<ParentEdge> Infer(IReadOnlyList<int> family, IReadOnlyList<RegistryModel> models, Func<int, int, double> closeness,
        IReadOnlyList<int>? hints = null)
    {
        var inFamily = family.ToHashSet();
        int Hint(int m) => hints != null && hints[m] >= 0 && inFamily.Contains(hints[m]) ? hints[m] : -1;
        if (family.Count == 1) return [new ParentEdge(family[0], -1, "root")];

        double Central(int m) => family.Where(o => o != m).Average(o => closeness(m, o));
        var rootCandidates = family.Where(m => Hint(m) < 0).ToList();
        if (rootCandidates.Count == 0) rootCandidates = family.ToList(); // metadata that loops: let the scores decide
        var root = rootCandidates.OrderByDescending(m => models[m].Layers).ThenByDescending(m => models[m].HiddenSize)
            .ThenByDescending(m => models[m].Parameters).ThenByDescending(m => Math.Round(Central(m) / Tie)).ThenBy(m => m).First();

        var placed = new List<int> { root };
        var edges = new List<ParentEdge> { new(root, -1, "root") };
        var outside = family.Where(m => m != root).ToHashSet();
        while (outside.Count > 0)
        {
            var byMetadata = outside.FirstOrDefault(m => Hint(m) >= 0 && placed.Contains(Hint(m)), -1);
            if (byMetadata >= 0)
            {
                edges.Add(new ParentEdge(byMetadata, Hint(byMetadata), "metadata"));
                placed.Add(byMetadata);
                outside.Remove(byMetadata);
                continue;
            }
            (int Child, int Parent, double Score) best = (-1, -1, double.NegativeInfinity);
            foreach (var v in outside.Order())
            {
                if (Hint(v) >= 0 && outside.Contains(Hint(v))) continue; // waits for its named parent
                var fits = placed.Where(u => NotSmaller(models[u], models[v])).ToList();
                foreach (var u in fits.Count > 0 ? fits : placed)
                {
                    var s = closeness(u, v);
                    if (s > best.Score + Tie) best = (v, u, s);
                }
            }
            if (best.Child < 0) best = (outside.Order().First(), root, double.NaN); // only metadata cycles remain
            edges.Add(new ParentEdge(best.Child, best.Parent, "scores"));
            placed.Add(best.Child);
            outside.Remove(best.Child);
        }
        return edges;
    }

    static bool NotSmaller(RegistryModel parent, RegistryModel child) =>
        parent.Layers >= child.Layers && parent.HiddenSize >= child.HiddenSize && parent.Parameters >= child.Parameters;
}
