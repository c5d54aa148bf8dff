namespace Reef.Grains.Abstractions;

/// <summary>What a scan asks of a model grain: fingerprint the checkpoint at this path with these probes.</summary>
/// <param name="Path">Checkpoint folder, the same on every silo (a shared volume in Kubernetes).</param>
/// <param name="Signature">File names, sizes and times; a new signature means the checkpoint may have changed.</param>
/// <param name="Probes">Which probes, and how to run the model.</param>
[GenerateSerializer, Immutable, Alias("reef.ModelJob")]
public sealed record ModelJob(string Path, string Signature, ExtractionSettings Probes);
