using Reef.Engine.Similarity;

namespace Reef.Engine.Candidates;

/// <summary>
/// Which pairs of a registry are verified when it does not score every pair: the models' sketches in one index per
/// signal, each model's candidate pairs (its neighbours, calibration samples, and the closure over pairs that verified
/// as related), and the tiles that verify the ones not yet scored: one model against its unscored partners, keyed by
/// content as every tile is. Memory is O(N) sketches and O(N·k) pairs; which pairs have scores is the caller's to say
/// (<see cref="VerifiedPairs"/> in a registry). Models are fingerprint keys; Orleans-free, the registry grain holds one.
/// </summary>
public sealed class CandidateRegistry : IDisposable
{
    readonly CandidatePolicy _policy;
    readonly INeighbourIndex _reef;
    readonly INeighbourIndex _weights;
    readonly Dictionary<string, long> _ids = new();
    readonly List<string> _keys = [];
    readonly HashSet<long> _searched = [];
    /// <summary>Below this id every model is searched (ids are positions, new models come last).</summary>
    long _searchedBelow;
    /// <summary>The floors and the sample population of the models as they are; made again after an add or a removal.</summary>
    (CandidatePolicy Floors, List<long> Population)? _searchBasis;
    readonly RelatedGraph _related;
    readonly Dictionary<long, (float[] Reef, float[]? Weights)> _sketches = new();

    /// <param name="policy">How many neighbours, floors, samples.</param>
    /// <param name="exact">Compare every sketch (small registries, tests) instead of HNSW.</param>
    public CandidateRegistry(CandidatePolicy policy, bool exact)
    {
        _policy = policy;
        _related = new RelatedGraph(policy.MaxClosureDegree);
        _reef = exact ? new ExactNeighbourIndex(ReefSketch.Dimensions) : new HnswNeighbourIndex(ReefSketch.Dimensions);
        _weights = exact ? new ExactNeighbourIndex(WeightSketch.Dimensions) : new HnswNeighbourIndex(WeightSketch.Dimensions);
    }

    public CandidatePairs Pairs { get; } = new(trackAdded: true);

    /// <summary>Models in the indexes (removed ones not counted).</summary>
    public int Count => _ids.Count;

    public bool Contains(string key) => _ids.ContainsKey(key);

    /// <summary>The models in the index.</summary>
    public IEnumerable<string> Keys => _ids.Keys;

    /// <summary>The fingerprint key of a model's index id (the ids <see cref="Pairs"/> holds).</summary>
    public string KeyOf(long id) => _keys[(int)id];

    /// <summary>Adds models with their sketches (a null weight sketch: the model has no weight signature), in one batch.</summary>
    public void Add(IReadOnlyList<(string Key, float[] Reef, float[]? Weights)> models)
    {
        var fresh = models.Where(m => !_ids.ContainsKey(m.Key)).DistinctBy(m => m.Key).ToList();
        if (fresh.Count > 0) _searchBasis = null;
        foreach (var m in fresh)
        {
            _ids[m.Key] = _keys.Count;
            _sketches[_keys.Count] = (m.Reef, m.Weights);
            _keys.Add(m.Key);
        }
        _reef.Add(fresh.Select(m => _ids[m.Key]).ToList(), fresh.Select(m => m.Reef).ToList());
        var withWeights = fresh.Where(m => m.Weights != null).ToList();
        _weights.Add(withWeights.Select(m => _ids[m.Key]).ToList(), withWeights.Select(m => m.Weights!).ToList());
    }

    /// <summary>
    /// Searches the neighbours of every model not searched yet and draws its calibration samples; returns what each
    /// searched model proposed, for the store: a registry that starts again restores those (<see cref="Restore"/>) rather
    /// than searching again in a hub that has grown since, where old models would find other neighbours and draw other
    /// samples, and pairs of old models would be verified again. A model added later finds its old neighbours, and they
    /// it, through its own search.
    /// </summary>
    /// <param name="most">Search at most this many (a registry searches a slice at a time); the rest are left for the next call.</param>
    public IReadOnlyList<CandidateProposals> SearchNew(int most = int.MaxValue)
    {
        if (_searched.Count == _keys.Count) return [];
        _searchBasis ??= (Floors(), _sketches.Keys.Order().ToList());
        var (policy, population) = _searchBasis.Value;
        var searched = new List<CandidateProposals>();
        while (_searchedBelow < _keys.Count && _searched.Contains(_searchedBelow)) _searchedBelow++;
        for (var id = _searchedBelow; id < _keys.Count && searched.Count < most; id++)
        {
            if (!_searched.Add(id)) continue;
            var (reef, weights) = _sketches[id];
            var proposed = new Dictionary<long, CandidateSource>();
            void Propose(IEnumerable<long> partners, CandidateSource source)
            {
                foreach (var p in partners) proposed[p] = proposed.GetValueOrDefault(p) | source;
            }
            Propose(Pairs.AddNeighbours(_reef, id, reef, policy, CandidateSource.Reef), CandidateSource.Reef);
            if (weights != null) Propose(Pairs.AddNeighbours(_weights, id, weights, policy, CandidateSource.Weights), CandidateSource.Weights);
            Propose(Pairs.AddSamples(id, population, _policy.Samples), CandidateSource.Sample);
            searched.Add(new CandidateProposals(_keys[(int)id], proposed.Select(p => (_keys[(int)p.Key], p.Value)).ToList()));
        }
        return searched;
    }

    /// <summary>
    /// Takes back what a model's search proposed in an earlier life of the registry, in place of searching again; partners
    /// not in the index are left out. False (nothing done) when the model is not in the index or was searched already.
    /// </summary>
    public bool Restore(CandidateProposals proposals)
    {
        if (!_ids.TryGetValue(proposals.Key, out var id) || _searched.Contains(id)) return false;
        foreach (var (partner, sources) in proposals.Partners)
            if (_ids.TryGetValue(partner, out var other)) Pairs.Add(id, other, sources);
        _searched.Add(id);
        return true;
    }

    /// <summary>The policy with each signal's floor raised to where this hub's random pairs stop (<see cref="SketchFloor"/>).</summary>
    public CandidatePolicy Floors()
    {
        var sketches = _sketches.Keys.Order().Select(i => _sketches[i]).ToList();
        return _policy with
        {
            ReefFloor = SketchFloor.Of(sketches.Select(s => s.Reef).ToList(), _policy.ReefFloor),
            WeightFloor = SketchFloor.Of(sketches.Where(s => s.Weights != null).Select(s => s.Weights!).ToList(), _policy.WeightFloor),
        };
    }

    /// <summary>
    /// Takes models out (removed from the registry): out of both indexes, with every pair they had, so no search finds
    /// them and no tile verifies them. Their partners keep their other candidates; a removal cannot make new relatives.
    /// </summary>
    public void Remove(IEnumerable<string> keys)
    {
        var gone = new HashSet<long>();
        foreach (var key in keys)
        {
            if (!_ids.Remove(key, out var id)) continue;
            gone.Add(id);
            _reef.Remove(id);
            if (_sketches[id].Weights != null) _weights.Remove(id);
            _sketches.Remove(id);
            // Its slot in _keys stays (ids are positions); marked searched so no search runs from it.
            _searched.Add(id);
        }
        if (gone.Count == 0) return;
        _searchBasis = null;
        Pairs.RemoveModels(gone);
        _related.Remove(gone);
    }

    /// <summary>
    /// Grows the closure by pairs verified as related (exact scores above the floors): those not known yet join the
    /// related graph, and the pairs two hops apart they make become candidates, which the next tiles verify. Pairs of a
    /// model not in the index are left for a later call. Returns how many pairs it added.
    /// </summary>
    public int Close(IEnumerable<(string A, string B)> related) =>
        Pairs.AddClosure(_related, related
            .Where(p => _ids.ContainsKey(p.A) && _ids.ContainsKey(p.B))
            .Select(p => (_ids[p.A], _ids[p.B]))).Count;

    /// <summary>The candidate pairs of two keys: which sources proposed them (None: not a candidate).</summary>
    public CandidateSource SourcesOf(string a, string b) =>
        _ids.TryGetValue(a, out var x) && _ids.TryGetValue(b, out var y) ? Pairs.SourcesOf(x, y) : CandidateSource.None;

    /// <summary>
    /// Tiles for candidate pairs not yet scored: each model (in key order) against its unscored partners that come after
    /// it, at most <paramref name="width"/> a tile. With <paramref name="everything"/>, every candidate pair is looked at
    /// (a fresh plan); without, only the pairs added since the last call (a round of a running plan: those before it are
    /// in tiles already planned).
    /// </summary>
    public IReadOnlyList<MatrixTile> Tiles(int width, string kind, Func<string, string, bool> scored, bool everything)
    {
        var added = Pairs.TakeAdded();
        var pairs = everything ? Pairs.All.Select(p => (p.A, p.B)) : added;
        var partners = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (a, b) in pairs)
        {
            var (ka, kb) = (_keys[(int)a], _keys[(int)b]);
            if (scored(ka, kb)) continue;
            var (row, col) = string.CompareOrdinal(ka, kb) < 0 ? (ka, kb) : (kb, ka);
            (partners.TryGetValue(row, out var list) ? list : partners[row] = []).Add(col);
        }
        var tiles = new List<MatrixTile>();
        foreach (var (row, cols) in partners)
            foreach (var chunk in cols.Order(StringComparer.Ordinal).Chunk(width))
                tiles.Add(new MatrixTile([row], chunk, TilePlan.KeyOf([row], chunk, kind)));
        return tiles;
    }

    public void Dispose()
    {
        _reef.Dispose();
        _weights.Dispose();
    }
}
