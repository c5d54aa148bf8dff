namespace Reef.Grains.Abstractions;

/// <summary>One model of the hub, keyed by its id (for example <c>org/name@revision</c>).</summary>
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>Records where the model's checkpoint is; a new path resets its fingerprint to pending.</summary>
    Task RegisterAsync(string checkpointPath);

    /// <summary>Returns the model's checkpoint path and fingerprint status, or null if it was never registered.</summary>
    Task<ModelState?> GetStateAsync();
}
