namespace Reef.Engine.Zoo;

/// <summary>How far a derivation moves a model from its parent.</summary>
public enum Strength
{
    /// <summary>A trained source model: the root of a family.</summary>
    Source,
    /// <summary>Edits a hub should still call derived: function-preserving, mild pruning, 8-bit, small fine-tunes, merges within the family.</summary>
    Light,
    /// <summary>Edits that change the model a lot: fine-tuning on other data, 90 % pruning, 4-bit, merging two families.</summary>
    Heavy,
}

/// <summary>One model of the zoo and its ground truth.</summary>
/// <param name="Id">Folder name in the hub.</param>
/// <param name="Family">Id of the source model it derives from (itself for sources).</param>
/// <param name="Parent">Id of the model it was made from; null for sources.</param>
/// <param name="Op">train, permute, scale, rotate, prune, quantize, noise, finetune, merge.</param>
/// <param name="Strength">Source, light or heavy.</param>
/// <param name="Parameters">The op's parameters.</param>
/// <param name="SecondParent">The other model of a merge, when it is from another family.</param>
public sealed record ZooModel(string Id, string Family, string? Parent, string Op, Strength Strength,
    IReadOnlyDictionary<string, string> Parameters, string? SecondParent = null)
{
    /// <summary>Whether <paramref name="source"/> is an ancestor of this model (its family root or a merged-in one).</summary>
    public bool DescendsFrom(string source) => Family == source || SecondParent == source;
}
