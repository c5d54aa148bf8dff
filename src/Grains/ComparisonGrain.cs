using Orleans.Runtime;
using Reef.Engine.Similarity;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>One pair's full layer-by-layer CKA matrix, computed from the two stored fingerprints once and kept.</summary>
public sealed class ComparisonGrain(
    [PersistentState("comparison", "reef")] IPersistentState<PairComparison?> state,
    IBlobStore store,
    ReefMetrics metrics) : Grain, IComparisonGrain
{
    async Task<PairComparison> IComparisonGrain.GetAsync()
    {
        // Orleans fills State with an uninitialized record before anything is stored; only RecordExists tells.
        if (state.RecordExists && state.State != null) return state.State;
        var keys = this.GetPrimaryKeyString().Split('|');
        if (keys.Length != 2) throw new ArgumentException($"comparison key '{this.GetPrimaryKeyString()}' is not KEY_A|KEY_B");
        var a = await store.GetFingerprintAsync(keys[0]);
        var b = await store.GetFingerprintAsync(keys[1]);
        var c = Comparison.Of(a, b);
        metrics.PairCompared();
        state.State = new PairComparison
        {
            LayersA = a.Layers, LayersB = b.Layers, Matrix = c.Matrix.SelectMany(row => row).ToArray(), ReefLayerA = c.ReefLayer.LayerA,
            ReefLayerB = c.ReefLayer.LayerB, Reef = c.ReefLayer.Cka, BestLayerA = c.BestPair.LayerA, BestLayerB = c.BestPair.LayerB,
            Best = c.BestPair.Cka, AlignmentMean = c.AlignmentMean,
        };
        await state.WriteStateAsync();
        return state.State;
    }
}
