using Orleans.Runtime;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>A model of the hub. It owns identity and status; fingerprinting itself is the engine's work.</summary>
public sealed class ModelGrain(
    [PersistentState("model", "reef")] IPersistentState<ModelState?> state) : Grain, IModelGrain
{
    async Task IModelGrain.RegisterAsync(string checkpointPath)
    {
        if (state.State?.CheckpointPath == checkpointPath) return;
        state.State = new ModelState(checkpointPath, FingerprintStatus.Pending, null);
        await state.WriteStateAsync();
    }

    Task<ModelState?> IModelGrain.GetStateAsync() => Task.FromResult(state.State);
}
