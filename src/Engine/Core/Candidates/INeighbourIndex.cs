namespace Reef.Engine.Candidates;

/// <summary>
/// Sketches by model key, searchable by inner product. Adding or removing a model touches only that model, so a hub that
/// grows by k models costs k inserts and k searches, never a rebuild.
/// </summary>
public interface INeighbourIndex : IDisposable
{
    int Dimensions { get; }
    long Count { get; }
    /// <summary>Adds (or replaces) models; one call per batch of arrivals, so the index grows once per batch.</summary>
    void Add(IReadOnlyList<long> keys, IReadOnlyList<float[]> sketches);
    void Remove(long key);
    /// <summary>Up to <paramref name="count"/> models with the highest inner product, best first (the model itself included if indexed).</summary>
    IReadOnlyList<Neighbour> Search(float[] sketch, int count);
}
