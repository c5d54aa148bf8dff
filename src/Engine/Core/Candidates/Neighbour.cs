namespace Reef.Engine.Candidates;

/// <summary>A model found near another: its key in the index and the inner product of the two sketches.</summary>
public readonly record struct Neighbour(long Key, float Score);
