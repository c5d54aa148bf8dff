namespace Reef.Engine.Probes;

/// <summary>One probe: a statement to tokenize, or token ids given ready-made.</summary>
public sealed record Probe(string? Text, int[]? Ids)
{
    /// <summary>A text probe.</summary>
    public static Probe FromText(string text) => new(text, null);

    /// <summary>A pre-tokenized probe.</summary>
    public static Probe FromIds(int[] ids) => new(null, ids);
}
