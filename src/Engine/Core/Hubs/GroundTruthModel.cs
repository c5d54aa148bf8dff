namespace Reef.Engine.Hubs;

/// <summary>
/// One model of a hub whose lineage is known (the zoo's, or one a user labelled): how it was made, as <see cref="GroundTruth"/>
/// reads it from the hub's lineage.json.
/// </summary>
/// <param name="Id">Model id in the hub (its folder path under the hub).</param>
/// <param name="Family">Id of the source model it derives from (itself for sources).</param>
/// <param name="Parent">Id of the model it was made from; null for sources.</param>
/// <param name="Op">train, permute, scale, rotate, prune, quantize, noise, finetune, evade (fine-tuning against REEF), merge.</param>
/// <param name="Strength">Source, light or heavy.</param>
/// <param name="Parameters">The op's parameters.</param>
/// <param name="SecondParent">The other model of a merge, when it is from another family.</param>
public sealed record GroundTruthModel(string Id, string Family, string? Parent, string Op, Strength Strength,
    IReadOnlyDictionary<string, string> Parameters, string? SecondParent = null)
{
    /// <summary>Whether <paramref name="source"/> is an ancestor of this model (its family root or a merged-in one).</summary>
    public bool DescendsFrom(string source) => Family == source || SecondParent == source;

    /// <summary>The models a merge combined with its parent (the <c>with</c> parameter, comma-separated); empty for other ops.</summary>
    public IReadOnlyList<string> MergedWith =>
        Op == "merge" && Parameters.TryGetValue("with", out var with) ? with.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>Every model this one was made from: its parent and, for a merge, every model merged with it.</summary>
    public IReadOnlyList<string> Parents => new[] { Parent }.Concat(MergedWith).Append(SecondParent).OfType<string>().Distinct().ToList();

    /// <summary>
    /// An adaptive attack on REEF itself (<c>evade</c>): REEF's score alone is expected to fall, so the separation REEF is
    /// held to leaves it out; the scan's fused verdict, which also reads the weights, must still find it.
    /// </summary>
    public bool AttacksReef => Op == "evade";
}
