namespace Reef.Grains.Abstractions;

/// <summary>A background job's state as its owner reports it when asked.</summary>
[GenerateSerializer, Alias("reef.JobState")]
public enum JobState { Running, Done, Failed }

/// <summary>Where one background job (a fingerprint extraction, a matrix tile) stands.</summary>
/// <param name="State">Running, done or failed.</param>
/// <param name="Silo">The silo running it.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="ErrorKind">The failure's kind in a word (Reef.Engine.FailureKind), for metrics.</param>
[GenerateSerializer, Immutable, Alias("reef.JobStatus")]
public sealed record JobStatus(JobState State, string Silo, string? Error, string? ErrorKind = null);
