namespace Reef.Grains.Abstractions;

/// <summary>One model of the hub, keyed by its id (for example <c>org/name@revision</c>).</summary>
[Alias("reef.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>
    /// Moves the model's fingerprint one step towards done and returns where it stands. Never waits for the
    /// work itself: reading the checkpoint (validation, hash, facts) and extraction run in the background, and the
    /// caller asks again.
    /// </summary>
    [Alias("FingerprintAsync")]
    Task<ModelState> FingerprintAsync(ModelJob job);

    /// <summary>The model's state, or null if no scan has seen it.</summary>
    [Alias("GetStateAsync")]
    Task<ModelState?> GetStateAsync();
}
