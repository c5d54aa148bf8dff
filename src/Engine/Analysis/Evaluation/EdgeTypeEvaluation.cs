using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Hubs;
using Reef.Engine.Weights;

namespace Reef.Engine.Analysis.Evaluation;

/// <summary>How well the weights type a hub's true parent edges (<see cref="EdgeTypeEvaluation"/>).</summary>
/// <param name="Edges">True parent edges (models made from another).</param>
/// <param name="TypedRight">Edges given their true type.</param>
/// <param name="Directed">Edges whose child the evidence names.</param>
/// <param name="DirectedRight">Of those, named right.</param>
/// <param name="Merges">True merges.</param>
/// <param name="MergesWithAllParents">Merges found with exactly their true parents.</param>
/// <param name="FalseMerges">Models found to be merges that are not.</param>
/// <param name="Confusion">(true type, typed as) → edges.</param>
/// <param name="Misses">Each edge typed wrong, or merge found with other parents, in words.</param>
public sealed record EdgeTypeReport(int Edges, int TypedRight, int Directed, int DirectedRight, int Merges, int MergesWithAllParents, int FalseMerges,
    IReadOnlyDictionary<(EdgeKind Truth, EdgeKind Typed), int> Confusion, IReadOnlyList<string> Misses)
{
    public double TypeAccuracy => Edges == 0 ? double.NaN : TypedRight / (double)Edges;
}

/// <summary>
/// Holds <see cref="EdgeTyping"/> against a hub's ground truth, edge by edge: each model made from another is typed against
/// its true parent (and looked for as a merge among every other model), so the typing is measured apart from the choice of
/// parent, which the lineage makes.
/// </summary>
public static class EdgeTypeEvaluation
{
    /// <summary>The type the lab's <paramref name="model"/> op gives its edge.</summary>
    public static EdgeKind Expected(GroundTruthModel model) => model.Op switch
    {
        "permute" or "scale" or "rotate" => EdgeKind.Reparameterization,
        "quantize" => EdgeKind.Quantization,
        "noise" => EdgeKind.Other,
        "finetune" or "evade" => EdgeKind.FineTune,
        "merge" => EdgeKind.Merge,
        "prune" => model.Parameters.GetValueOrDefault("structured", "no") == "no" ? EdgeKind.UnstructuredPrune : EdgeKind.StructuredPrune,
        _ => throw new ArgumentException($"op '{model.Op}' of {model.Id} has no edge type"),
    };

    /// <summary>An edge kind as reports name it: snake_case (fine_tune, structured_prune, ...).</summary>
    public static string Name(EdgeKind kind) => System.Text.RegularExpressions.Regex.Replace(kind.ToString(), "(?<=[a-z])([A-Z])", "_$1").ToLowerInvariant();

    /// <param name="truth">The hub's models with their lineage.</param>
    /// <param name="evidence">Each model's weight evidence, by id.</param>
    /// <param name="signatureScore">Two models' weight signature score, by id.</param>
    public static EdgeTypeReport Evaluate(IReadOnlyList<GroundTruthModel> truth, Func<string, WeightEvidence> evidence, Func<string, string, double> signatureScore)
    {
        var ids = truth.Select(m => m.Id).ToList();
        var all = ids.ToDictionary(id => id, evidence);
        int edges = 0, right = 0, directed = 0, directedRight = 0, merges = 0, mergesRight = 0, falseMerges = 0;
        var confusion = new Dictionary<(EdgeKind, EdgeKind), int>();
        var misses = new List<string>();
        foreach (var model in truth)
        {
            var others = ids.Where(o => o != model.Id).ToList();
            var merge = EdgeTyping.MergeOf(all[model.Id], others.Select(o => all[o]).ToList());
            var isMerge = model.Op == "merge";
            if (merge != null && !isMerge)
            {
                falseMerges++;
                misses.Add($"{model.Id} found a merge of {string.Join(" + ", merge.Value.Parents.Select(i => others[i]))}; it is not one");
            }
            if (model.Parent == null) continue;
            edges++;
            var expected = Expected(model);
            EdgeKind typed;
            bool? childIsSecond;
            if (merge != null)
            {
                (typed, childIsSecond) = (EdgeKind.Merge, true);
                var found = merge.Value.Parents.Select(i => others[i]).Order().ToList();
                var parents = model.Parents.Order().ToList();
                if (isMerge && found.SequenceEqual(parents)) mergesRight++;
                else if (isMerge) misses.Add($"{model.Id} found a merge of {string.Join(" + ", found)}, not of {string.Join(" + ", parents)}");
            }
            else
            {
                var edge = EdgeTyping.Classify(all[model.Parent], all[model.Id], signatureScore(model.Parent, model.Id));
                (typed, childIsSecond) = (edge.Kind, edge.ChildIsSecond);
                if (typed != expected) misses.Add($"{model.Id} ({model.Op} of {model.Parent}) typed {typed}: {edge.Evidence}");
            }
            if (isMerge) merges++;
            if (typed == expected) right++;
            confusion[(expected, typed)] = confusion.GetValueOrDefault((expected, typed)) + 1;
            if (childIsSecond != null)
            {
                directed++;
                if (childIsSecond == true) directedRight++;
            }
        }
        return new EdgeTypeReport(edges, right, directed, directedRight, merges, mergesRight, falseMerges, confusion, misses);
    }
}
