namespace Reef.Engine.Candidates;

/// <summary>
/// The pairs that verified as related, as a graph that grows batch by batch, and the pairs two hops apart on it that the
/// candidate closure verifies next (see <see cref="CandidatePairs.AddClosure(RelatedGraph, IEnumerable{ValueTuple{long, long}})"/>).
/// Each batch yields only the pairs its new edges make, so a registry closes over what a round verified, not over every
/// pair it ever scored. O(related pairs) memory.
/// </summary>
/// <param name="maxDegree">A model with more related neighbours than this closes no pairs around it.</param>
public sealed class RelatedGraph(int maxDegree)
{
    readonly Dictionary<long, List<long>> _neighbours = new();
    readonly HashSet<(long, long)> _edges = [];

    public int Edges => _edges.Count;

    /// <summary>
    /// Adds related pairs (known ones and a model with itself are ignored) and returns the pairs two hops apart through a
    /// model of at most <c>maxDegree</c> related neighbours in which at least one hop is new, smaller model first; a pair
    /// may come more than once (through two models).
    /// </summary>
    public IReadOnlyList<(long A, long B)> Add(IEnumerable<(long A, long B)> related)
    {
        // Each touched model's neighbour count before this batch: those after it in its list are its new neighbours.
        var before = new Dictionary<long, int>();
        foreach (var (a, b) in related)
        {
            if (a == b || !_edges.Add(Order(a, b))) continue;
            Link(a, b, before);
            Link(b, a, before);
        }
        var pairs = new List<(long, long)>();
        foreach (var (model, old) in before)
        {
            var around = _neighbours[model];
            if (around.Count > maxDegree) continue;
            for (var i = old; i < around.Count; i++)
            for (var j = 0; j < i; j++)
                pairs.Add(Order(around[i], around[j]));
        }
        return pairs;
    }

    /// <summary>Drops the models in <paramref name="gone"/> (removed from the registry) with their edges.</summary>
    public void Remove(IReadOnlySet<long> gone)
    {
        _edges.RemoveWhere(e => gone.Contains(e.Item1) || gone.Contains(e.Item2));
        foreach (var model in gone) _neighbours.Remove(model);
        foreach (var around in _neighbours.Values) around.RemoveAll(gone.Contains);
    }

    void Link(long from, long to, Dictionary<long, int> before)
    {
        if (!_neighbours.TryGetValue(from, out var around)) _neighbours[from] = around = [];
        before.TryAdd(from, around.Count);
        around.Add(to);
    }

    static (long, long) Order(long a, long b) => a < b ? (a, b) : (b, a);
}
