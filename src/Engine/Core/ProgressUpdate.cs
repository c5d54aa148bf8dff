namespace Reef.Engine;

/// <summary>A step of long work: what phase, how far, how fast (items per second where it applies), and a detail such as the loss.</summary>
public sealed record ProgressUpdate(string Phase, long Done, long Total, string Unit, double? PerSecond = null, string? Detail = null);
