namespace Reef.Engine.Hubs;

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
