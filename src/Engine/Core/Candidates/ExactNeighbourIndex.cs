using System.Numerics;

namespace Reef.Engine.Candidates;

/// <summary>
/// Every sketch compared with the query: exact, O(N) per search. What small hubs use, and the reference the
/// approximate index's recall is measured against.
/// </summary>
public sealed class ExactNeighbourIndex(int dimensions) : INeighbourIndex
{
    readonly Dictionary<long, float[]> _sketches = new();

    public int Dimensions => dimensions;
    public long Count => _sketches.Count;

    public void Add(IReadOnlyList<long> keys, IReadOnlyList<float[]> sketches)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (sketches[i].Length != dimensions) throw new ArgumentException($"sketch has {sketches[i].Length} dimensions, the index {dimensions}");
            _sketches[keys[i]] = sketches[i];
        }
    }

    public void Remove(long key) => _sketches.Remove(key);

    public IReadOnlyList<Neighbour> Search(float[] sketch, int count)
    {
        // A min-heap of the best so far: O(N log count).
        var best = new PriorityQueue<Neighbour, float>();
        foreach (var (key, other) in _sketches)
        {
            var score = Dot(sketch, other);
            if (best.Count < count) best.Enqueue(new Neighbour(key, score), score);
            else if (score > best.Peek().Score) best.EnqueueDequeue(new Neighbour(key, score), score);
        }
        var result = new Neighbour[best.Count];
        for (var i = result.Length - 1; i >= 0; i--) result[i] = best.Dequeue();
        return result;
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - width; i += width) sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        var total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    public void Dispose() => _sketches.Clear();
}
