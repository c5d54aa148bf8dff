using Reef.Engine;
using Reef.Engine.Store;
using Reef.Engine.Weights;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>
/// Each model's weight evidence as the lineage asks for it, family by family: read from the store under the key its facts
/// name and verified (checksum, layout) before use. A model without a key (facts of an earlier version), or whose blob is
/// missing or does not verify, has none: its edges are placed by the scores, and the next scan's model grain reads it again.
/// </summary>
public static class StoredEvidence
{
    /// <param name="store">The cluster's store.</param>
    /// <param name="facts">The models' facts, in the analysis's order.</param>
    /// <param name="problems">Told each model whose evidence could not be used, and why.</param>
    public static Func<int, WeightEvidence?> From(IBlobStore store, IReadOnlyList<ModelFacts?> facts, Action<int, string>? problems = null) => m =>
    {
        if (facts[m]?.WeightEvidenceKey is not { } key) return null;
        try
        {
            // The lineage is made in the client, outside any grain: waiting here blocks no scheduler.
            return store.GetWeightEvidenceAsync(key).GetAwaiter().GetResult();
        }
        catch (InvalidInputException e)
        {
            problems?.Invoke(m, e.Message);
            return null;
        }
    };
}
