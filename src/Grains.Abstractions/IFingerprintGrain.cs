namespace Reef.Grains.Abstractions;

/// <summary>
/// The extraction of one fingerprint, keyed by its store key (checkpoint content × probes), so identical
/// checkpoints under different ids share one extraction. Placed only on accelerator silos.
/// </summary>
public interface IFingerprintGrain : IGrainWithStringKey
{
    /// <summary>Starts the extraction of <paramref name="checkpointPath"/> if it is not running or done; returns its state.</summary>
    Task<JobStatus> EnsureAsync(string checkpointPath, string contentHash, ExtractionSettings settings);
}
