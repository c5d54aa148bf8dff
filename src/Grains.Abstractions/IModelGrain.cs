namespace Reef.Grains.Abstractions;

/// <summary>One model of the hub, keyed by its id (for example <c>org/name@revision</c>).</summary>
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>
    /// Moves the model's fingerprint one step towards done and returns where it stands. Never waits for the
    /// work itself: hashing and extraction run in the background, and the caller asks again.
    /// </summary>
    Task<ModelState> FingerprintAsync(ModelJob job);

    /// <summary>The model's state, or null if no scan has seen it.</summary>
    Task<ModelState?> GetStateAsync();
}
