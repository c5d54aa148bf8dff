namespace Reef.Engine.Candidates;

/// <summary>
/// The pairs a registry verifies, unordered (smaller key first), each with the sources that proposed it: O(N·k), never
/// N². Built model by model, so a model added later adds only its own pairs.
/// </summary>
public sealed class CandidatePairs
{
    readonly Dictionary<(long, long), CandidateSource> _pairs = new();

    public int Count => _pairs.Count;

    public IEnumerable<(long A, long B, CandidateSource Sources)> All =>
        _pairs.Select(p => (p.Key.Item1, p.Key.Item2, p.Value));

    public bool Contains(long a, long b) => _pairs.ContainsKey(Order(a, b));

    public CandidateSource SourcesOf(long a, long b) => _pairs.GetValueOrDefault(Order(a, b));

    public void Add(long a, long b, CandidateSource source)
    {
        if (a == b) return;
        var key = Order(a, b);
        _pairs[key] = _pairs.GetValueOrDefault(key) | source;
    }

    /// <summary>
    /// Searches <paramref name="index"/> for model <paramref name="key"/>'s neighbours and adds those
    /// <paramref name="policy"/> keeps; returns how many it added or marked.
    /// </summary>
    public int AddNeighbours(INeighbourIndex index, long key, float[] sketch, CandidatePolicy policy, CandidateSource source)
    {
        var floor = source == CandidateSource.Weights ? policy.WeightFloor : policy.ReefFloor;
        var added = 0;
        foreach (var n in policy.Select(index.Search(sketch, policy.Widest + 1), key, floor))
        {
            Add(key, n.Key, source);
            added++;
        }
        return added;
    }

    /// <summary>
    /// Adds <paramref name="count"/> pairs of model <paramref name="key"/> with models drawn at random from
    /// <paramref name="population"/> that are not already its candidates; the draw depends only on the key, so a rescan
    /// draws the same ones.
    /// </summary>
    public void AddSamples(long key, IReadOnlyList<long> population, int count)
    {
        if (population.Count < 2) return;
        // Seeded from the key alone (HashCode is randomized per process): a rescan must draw the same pairs.
        var random = new Random(unchecked((int)(key * 0x9E3779B1L) ^ (int)(key >> 32)));
        var wanted = Math.Min(count, population.Count - 1);
        var added = 0;
        for (var tries = 0; added < wanted && tries < 20 * wanted; tries++)
        {
            var other = population[random.Next(population.Count)];
            if (other == key || Contains(key, other)) continue;
            Add(key, other, CandidateSource.Sample);
            added++;
        }
    }

    /// <summary>
    /// Pairs two hops apart on the verified graph: when A–B and B–C are judged derived, A and C share parameters through
    /// B, so A–C is verified too, whatever the sketches say (a merge and a layer-pruned sibling can sketch far apart).
    /// Families need their inner pairs for clustering and lineage. A model with more than
    /// <paramref name="maxDegree"/> derived neighbours (a base model with thousands of fine-tunes) does not close its
    /// neighbourhood: that would be quadratic in its family; its fine-tunes keep their own neighbours. Returns the pairs
    /// added, for the caller to verify and then close again, until none are added.
    /// </summary>
    public IReadOnlyList<(long A, long B)> AddClosure(IEnumerable<(long A, long B)> derived, int maxDegree)
    {
        var neighbours = new Dictionary<long, List<long>>();
        foreach (var (a, b) in derived)
        {
            if (a == b) continue;
            (neighbours.TryGetValue(a, out var la) ? la : neighbours[a] = []).Add(b);
            (neighbours.TryGetValue(b, out var lb) ? lb : neighbours[b] = []).Add(a);
        }
        var added = new List<(long, long)>();
        foreach (var around in neighbours.Values)
        {
            if (around.Count > maxDegree) continue;
            for (var i = 0; i < around.Count; i++)
            for (var j = i + 1; j < around.Count; j++)
            {
                if (Contains(around[i], around[j])) continue;
                Add(around[i], around[j], CandidateSource.Closure);
                added.Add(Order(around[i], around[j]));
            }
        }
        return added;
    }

    /// <summary>Drops every pair of the models in <paramref name="gone"/> (removed from the registry), in one pass.</summary>
    public void RemoveModels(IReadOnlySet<long> gone)
    {
        foreach (var pair in _pairs.Keys.Where(p => gone.Contains(p.Item1) || gone.Contains(p.Item2)).ToList()) _pairs.Remove(pair);
    }

    static (long, long) Order(long a, long b) => a < b ? (a, b) : (b, a);
}
