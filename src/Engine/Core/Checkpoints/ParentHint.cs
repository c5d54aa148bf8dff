namespace Reef.Engine.Checkpoints;

/// <summary>A name a checkpoint gives for its parent, and where it says so (e.g. "README.md base_model").</summary>
public sealed record ParentHint(string Name, string Source);
