namespace Reef.Engine;

/// <summary>A step of long work: what phase, how far, and how fast (items per second where it applies).</summary>
public sealed record ProgressUpdate(string Phase, long Done, long Total, string Unit, double? PerSecond = null);
