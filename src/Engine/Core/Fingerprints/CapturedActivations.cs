namespace Reef.Engine.Fingerprints;

/// <summary>
/// REEF's representations: for each decoder block, the n × d matrix of its raw output at each statement's
/// last token (row-major float32).
/// </summary>
public sealed record CapturedActivations(int Count, int Width, IReadOnlyList<float[]> Layers)
{
    /// <summary>Number of blocks captured.</summary>
    public int LayerCount => Layers.Count;
}
