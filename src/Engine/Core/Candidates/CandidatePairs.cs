namespace Reef.Engine.Candidates;

/// <summary>
/// The pairs a registry verifies, unordered (smaller key first), each with the sources that proposed it: O(N·k), never
/// N². Built model by model, so a model added later adds only its own pairs.
/// </summary>
/// <param name="trackAdded">Keep the pairs added since <see cref="TakeAdded"/> was last called (a registry verifies those
/// next, without walking every pair it holds).</param>
public sealed class CandidatePairs(bool trackAdded = false)
{
    readonly Dictionary<(long, long), CandidateSource> _pairs = new();
    readonly List<(long, long)> _added = [];

    public int Count => _pairs.Count;

    public IEnumerable<(long A, long B, CandidateSource Sources)> All =>
        _pairs.Select(p => (p.Key.Item1, p.Key.Item2, p.Value));

    public bool Contains(long a, long b) => _pairs.ContainsKey(Order(a, b));

    public CandidateSource SourcesOf(long a, long b) => _pairs.GetValueOrDefault(Order(a, b));

    public void Add(long a, long b, CandidateSource source)
    {
        if (a == b) return;
        var key = Order(a, b);
        if (_pairs.TryGetValue(key, out var sources)) _pairs[key] = sources | source;
        else
        {
            _pairs[key] = source;
            if (trackAdded) _added.Add(key);
        }
    }

    /// <summary>The pairs added since the last call (smaller model first), when tracking; empties the list.</summary>
    public IReadOnlyList<(long A, long B)> TakeAdded()
    {
        var added = _added.ToList();
        _added.Clear();
        return added;
    }

    /// <summary>
    /// Searches <paramref name="index"/> for model <paramref name="key"/>'s neighbours and adds those
    /// <paramref name="policy"/> keeps; returns the neighbours it added or marked.
    /// </summary>
    public IReadOnlyList<long> AddNeighbours(INeighbourIndex index, long key, float[] sketch, CandidatePolicy policy, CandidateSource source)
    {
        var floor = source == CandidateSource.Weights ? policy.WeightFloor : policy.ReefFloor;
        var added = new List<long>();
        foreach (var n in policy.Select(index.Search(sketch, policy.Widest + 1), key, floor))
        {
            Add(key, n.Key, source);
            added.Add(n.Key);
        }
        return added;
    }

    /// <summary>
    /// Adds <paramref name="count"/> pairs of model <paramref name="key"/> with models drawn at random from
    /// <paramref name="population"/> that are not already its candidates; returns them. The draw depends only on the key
    /// and the population, so a rescan of the same hub draws the same ones (a registry keeps what each search proposed,
    /// <see cref="CandidateProposals"/>, so a grown hub does not draw its old models' samples again).
    /// </summary>
    public IReadOnlyList<long> AddSamples(long key, IReadOnlyList<long> population, int count)
    {
        var drawn = new List<long>();
        if (population.Count < 2) return drawn;
        // Seeded from the key alone (HashCode is randomized per process): a rescan must draw the same pairs.
        var random = new Random(unchecked((int)(key * 0x9E3779B1L) ^ (int)(key >> 32)));
        var wanted = Math.Min(count, population.Count - 1);
        var added = 0;
        for (var tries = 0; added < wanted && tries < 20 * wanted; tries++)
        {
            var other = population[random.Next(population.Count)];
            if (other == key || Contains(key, other)) continue;
            Add(key, other, CandidateSource.Sample);
            drawn.Add(other);
            added++;
        }
        return drawn;
    }

    /// <summary>
    /// Pairs two hops apart on the verified graph: when A–B and B–C are judged derived, A and C share parameters through
    /// B, so A–C is verified too, whatever the sketches say (a merge and a layer-pruned sibling can sketch far apart).
    /// Families need their inner pairs for clustering and lineage. A model with more than
    /// <paramref name="maxDegree"/> derived neighbours (a base model with thousands of fine-tunes) does not close its
    /// neighbourhood: that would be quadratic in its family; its fine-tunes keep their own neighbours. Returns the pairs
    /// added, for the caller to verify and then close again, until none are added.
    /// </summary>
    public IReadOnlyList<(long A, long B)> AddClosure(IEnumerable<(long A, long B)> derived, int maxDegree) =>
        AddClosure(new RelatedGraph(maxDegree), derived);

    /// <summary>
    /// The closure grown from <paramref name="graph"/> as it stands by the pairs <paramref name="derived"/> adds to it:
    /// a registry keeps one graph and hands it each round's related pairs, so a round costs what it verified.
    /// </summary>
    public IReadOnlyList<(long A, long B)> AddClosure(RelatedGraph graph, IEnumerable<(long A, long B)> derived)
    {
        var added = new List<(long, long)>();
        foreach (var (a, b) in graph.Add(derived))
        {
            if (Contains(a, b)) continue;
            Add(a, b, CandidateSource.Closure);
            added.Add((a, b));
        }
        return added;
    }

    /// <summary>Drops every pair of the models in <paramref name="gone"/> (removed from the registry), in one pass.</summary>
    public void RemoveModels(IReadOnlySet<long> gone)
    {
        foreach (var pair in _pairs.Keys.Where(p => gone.Contains(p.Item1) || gone.Contains(p.Item2)).ToList()) _pairs.Remove(pair);
        _added.RemoveAll(p => gone.Contains(p.Item1) || gone.Contains(p.Item2));
    }

    static (long, long) Order(long a, long b) => a < b ? (a, b) : (b, a);
}
