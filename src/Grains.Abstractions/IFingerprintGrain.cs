namespace Reef.Grains.Abstractions;

/// <summary>
/// The extraction of one fingerprint, keyed by its store key (checkpoint content × probes), so identical
/// checkpoints under different ids share one extraction. Placed only on accelerator silos.
/// </summary>
[Alias("reef.IFingerprintGrain")]
public interface IFingerprintGrain : IGrainWithStringKey
{
    /// <summary>Starts the extraction of <paramref name="checkpointPath"/> if it is not running or done; returns its state.</summary>
    [Alias("EnsureAsync")]
    Task<JobStatus> EnsureAsync(string checkpointPath, string contentHash, ExtractionSettings settings);
}
