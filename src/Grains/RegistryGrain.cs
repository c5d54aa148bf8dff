using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Reef.Engine;
using Reef.Engine.Candidates;
using Reef.Engine.Similarity;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// The registry-wide similarity matrix. Scores live in finished tiles in the store, and only there: this grain keeps
/// which pairs are scored and which tiles hold them (<see cref="VerifiedPairs"/>), plans the tiles an update needs (only
/// pairs not yet scored), hands them to tile grains a few at a time from a timer, and reads the tiles back when asked
/// for a page of pairs or a sub-matrix. A registry that scores candidates
/// (<see cref="PairModes.Candidates"/>) plans tiles of candidate pairs only, from the models' sketches
/// (<see cref="CandidateRegistry"/>), and closes them over the pairs that verify as related, tile round by tile round.
/// </summary>
public sealed class RegistryGrain(
    [PersistentState("registry", "reef")] IPersistentState<RegistryState> state,
    IBlobStore store,
    ILogger<RegistryGrain> log) : Grain, IRegistryGrain
{
    /// <summary>Models a tile side: 64 × 32 layers × n = 200 is a 2048 × 2048 product over 20,100 packed features.</summary>
    public const int TileSize = 64;
    /// <summary>
    /// Tiles scored at once per active silo: the cluster's width, not a global cap, so adding silos adds throughput. Tile
    /// grains are placed at random over the silos; each scores on its silo's own threads.
    /// </summary>
    const int TilesPerSilo = 4;
    /// <summary>How long a count of active silos is trusted before the membership is asked again.</summary>
    static readonly TimeSpan SiloCountFor = TimeSpan.FromSeconds(30);
    /// <summary>Partners a candidate tile verifies against its one row model.</summary>
    const int CandidateTileWidth = 32;
    /// <summary>Up to this many models the candidate indexes compare every sketch; above, HNSW.</summary>
    const int ExactIndexUpTo = 5_000;
    /// <summary>How long one timer tick may plan before the registry answers its callers again.</summary>
    static readonly TimeSpan PlanSliceFor = TimeSpan.FromSeconds(2);
    /// <summary>Models read into the candidate index, or searched, per step of a planning slice.</summary>
    const int PlanStep = 256;
    const string DefaultKernel = "linear";

    readonly VerifiedPairs _verified = new();
    CandidateRegistry? _candidates;
    /// <summary>A candidate plan being made, slice by slice; null when none is (the plan is what <see cref="_plan"/> says).</summary>
    CandidatePlanning? _planning;
    List<string>? _orderedKeys;
    HashSet<string>? _liveKeys;
    List<MatrixTile> _plan = [];
    /// <summary>Keys of <see cref="_plan"/>: closure rounds append to the plan, and must not scan it per tile.</summary>
    HashSet<string> _planned = [];
    HashSet<string> _done = [];
    /// <summary>The tiles in <see cref="RegistryState.Tiles"/>, to keep that list free of repeats without searching it.</summary>
    HashSet<string> _listed = [];
    readonly Dictionary<string, string> _failed = new();
    readonly List<string> _repaired = [];
    bool _repairsTold;
    IGrainTimer? _timer;
    string? _error;
    (int Silos, DateTime At) _silos = (1, DateTime.MinValue);
    /// <summary>
    /// The stored list of finished tiles records what is in the store; it is not the only copy (a tile's grain finds its
    /// stored result again). So it is written every so often and when the plan is through, not after every tile: a hub of
    /// 10⁵ models would otherwise rewrite its whole state thousands of times.
    /// </summary>
    static readonly TimeSpan TileListWriteEvery = TimeSpan.FromSeconds(15);
    DateTime _tilesWritten = DateTime.MinValue;
    bool _tilesUnwritten;

    string Kernel => state.State.Kernel ?? DefaultKernel;
    string PairMode => state.State.Pairs ?? PairModes.All;
    /// <summary>The fingerprint keys of the registry's models: a pair counts only while both its keys are here.</summary>
    HashSet<string> LiveKeys => _liveKeys ??= state.State.Models.Values.ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// What a tile's key covers besides its models: the kernel, the preprocessing, and the tile format (version 2 holds
    /// weight scores too), so a registry never reads a tile computed another way.
    /// </summary>
    string TileKind => $"{Kernel}/standardized/reef+weights/v{TileResult.Version}";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var readable = new List<string>();
        foreach (var tile in state.State.Tiles.Distinct())
        {
            if ((await Absorb(tile)).Problem is { } problem) await Discard(tile, problem);
            else
            {
                _done.Add(tile);
                readable.Add(tile);
            }
        }
        if (readable.Count != state.State.Tiles.Count) state.State.Tiles = readable;
        _listed = readable.ToHashSet();
        await Replan();
    }

    /// <summary>
    /// A stored tile that cannot be used (corrupt, of an older format) is deleted and its pairs planned again, never
    /// read: the registry says so once, in its progress.
    /// </summary>
    async Task Discard(string tile, string problem)
    {
        var what = $"tile {tile} was unusable ({problem}); scored again";
        log.LogWarning("registry {Registry}: {Repair}", this.GetPrimaryKeyString(), what);
        _repaired.Add(what);
        await store.DeleteAsync(StoreKeys.Tile(tile));
    }

    async Task<RegistryProgress> IRegistryGrain.UpdateAsync(IReadOnlyList<RegistryEntry> models, RegistrySettings settings)
    {
        if (state.State.Kernel is { } current && current != settings.Kernel && state.State.Models.Count > 0)
        {
            _error = $"registry '{this.GetPrimaryKeyString()}' scores with the {current} kernel, not {settings.Kernel}; use another --registry";
            return Progress();
        }
        if (!PairModes.IsKnown(settings.Pairs))
        {
            _error = $"unknown pair mode '{settings.Pairs}' (all or candidates)";
            return Progress();
        }
        var changed = state.State.Kernel != settings.Kernel || state.State.Statements != settings.Statements || PairMode != settings.Pairs;
        state.State.Kernel = settings.Kernel;
        state.State.Statements = settings.Statements;
        state.State.Pairs = settings.Pairs;
        _orderedKeys = null;
        _liveKeys = null;
        foreach (var m in models)
        {
            if (!state.State.Models.TryGetValue(m.Id, out var key) || key != m.FingerprintKey)
            {
                state.State.Models[m.Id] = m.FingerprintKey;
                changed = true;
            }
            if (!state.State.Facts.TryGetValue(m.Id, out var facts) || facts != m.Facts)
            {
                state.State.Facts[m.Id] = m.Facts;
                changed = true;
            }
        }
        if (changed) await state.WriteStateAsync();
        // An update tries again what failed in the last one; repairs already told to a finished scan are not told again.
        _error = null;
        _failed.Clear();
        if (_repairsTold) _repaired.Clear();
        _repairsTold = false;
        await Replan();
        return Continue();
    }

    Task<RegistryProgress> IRegistryGrain.ContinueAsync()
    {
        var progress = Continue();
        if (progress.Ready) _repairsTold = true;
        return Task.FromResult(progress);
    }

    Task<RegistryProgress> IRegistryGrain.GetProgressAsync() => Task.FromResult(Progress());

    async Task<SimilarityMatrix> IRegistryGrain.GetMatrixAsync(IReadOnlyList<string>? ids)
    {
        ids ??= state.State.Models.Keys.Order(StringComparer.Ordinal).ToList();
        var keys = ids.Select(id => state.State.Models.TryGetValue(id, out var k) ? k : throw new ArgumentException($"model '{id}' is not in registry '{this.GetPrimaryKeyString()}'")).ToList();
        var n = ids.Count;
        double[] reef = new double[n * n], best = new double[n * n], alignment = new double[n * n], weights = new double[n * n];
        Array.Fill(reef, double.NaN);
        Array.Fill(best, double.NaN);
        Array.Fill(alignment, double.NaN);
        Array.Fill(weights, double.NaN);
        var at = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++) (at.TryGetValue(keys[i], out var list) ? list : at[keys[i]] = []).Add(i);
        // A cell takes the score stored in its own orientation (row model first) where a tile has one, else the mirror's.
        var own = new bool[n * n];
        void Put(int cell, PairScore s, double w, bool inOwnOrientation)
        {
            if (own[cell] && !inOwnOrientation) return;
            own[cell] |= inOwnOrientation;
            (reef[cell], best[cell], alignment[cell], weights[cell]) = (s.Reef, s.Best, s.Alignment, w);
        }
        var read = new HashSet<string>();
        foreach (var key in at.Keys)
        foreach (var tileKey in _verified.TilesOf(key))
        {
            if (!read.Add(tileKey)) continue;
            foreach (var (row, col, s, w) in (await ReadForAnswer(tileKey)).Pairs())
            {
                if (!at.TryGetValue(row, out var rows) || !at.TryGetValue(col, out var cols)) continue;
                foreach (var i in rows)
                foreach (var j in cols)
                {
                    Put(i * n + j, s, w, true);
                    Put(j * n + i, s, w, i == j);
                }
            }
        }
        var facts = ids.Select(id => state.State.Facts.GetValueOrDefault(id)).ToList();
        return new SimilarityMatrix(ids, keys, facts, Kernel, state.State.Statements, reef, best, alignment, weights);
    }

    Task<RegistryModels> IRegistryGrain.GetModelsAsync(IReadOnlyList<string>? ids)
    {
        ids ??= state.State.Models.Keys.Order(StringComparer.Ordinal).ToList();
        var keys = ids.Select(id => state.State.Models.TryGetValue(id, out var k) ? k : throw new ArgumentException($"model '{id}' is not in registry '{this.GetPrimaryKeyString()}'")).ToList();
        return Task.FromResult(new RegistryModels(ids, keys, ids.Select(id => state.State.Facts.GetValueOrDefault(id)).ToList(), Kernel, state.State.Statements, PairMode));
    }

    async Task<RegistryPairPage> IRegistryGrain.GetPairsAsync(int from, int count)
    {
        _orderedKeys ??= state.State.Models.Values.Distinct().Order(StringComparer.Ordinal).ToList();
        var page = new List<RegistryPair>();
        foreach (var a in _orderedKeys.Skip(from).Take(count))
        {
            // The pairs a leads in key order, from the tiles listed under it, each once.
            var led = new SortedDictionary<string, (PairScore Reef, double Weights)>(StringComparer.Ordinal);
            foreach (var tileKey in _verified.TilesOf(a))
            foreach (var (row, col, s, w) in (await ReadForAnswer(tileKey)).Pairs())
            {
                var b = row == a ? col : col == a ? row : null;
                if (b != null && string.CompareOrdinal(a, b) < 0 && LiveKeys.Contains(b)) led.TryAdd(b, (s, w));
            }
            foreach (var (b, (s, w)) in led)
            {
                var sample = _candidates?.SourcesOf(a, b) == CandidateSource.Sample;
                page.Add(new RegistryPair(a, b, s.Reef, s.Best, s.Alignment, w, sample));
            }
        }
        return new RegistryPairPage(page, from + count >= _orderedKeys.Count);
    }

    async Task<IReadOnlyList<string>> IRegistryGrain.RemoveAsync(IReadOnlyList<string> ids)
    {
        var removed = ids.Distinct().Where(state.State.Models.ContainsKey).ToList();
        if (removed.Count == 0) return removed;
        var keys = removed.Select(id => state.State.Models[id]).ToHashSet();
        foreach (var id in removed)
        {
            state.State.Models.Remove(id);
            state.State.Facts.Remove(id);
        }
        // Weights another id still holds keep their pairs.
        keys.ExceptWith(state.State.Models.Values);
        _verified.Remove(keys);
        _candidates?.Remove(keys);
        _orderedKeys = null;
        _liveKeys = null;
        // Their tiles stay in the store and in the tile list, keyed by content: a re-upload of the same weights reuses them.
        // Read back on a later activation, their pairs name keys no model holds, and are not counted.
        await state.WriteStateAsync();
        await Replan();
        return removed;
    }

    async Task IRegistryGrain.RecordScanAsync(string scanId)
    {
        if (state.State.Scans.Contains(scanId)) return;
        state.State.Scans.Add(scanId);
        await state.WriteStateAsync();
    }

    Task<IReadOnlyList<string>> IRegistryGrain.GetScansAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Scans);

    RegistryProgress Progress() =>
        new(state.State.Models.Count, _plan.Count(t => _done.Contains(t.Key)), _plan.Count,
            _error == null && _planning == null && _plan.All(t => _done.Contains(t.Key) || _failed.ContainsKey(t.Key)), _error, _failed.Values.ToList(), _repaired.ToList());

    /// <summary>
    /// Plans the tiles this registry's models need. Every pair: at once (a few thousand models at most). Candidates: a
    /// planning is started, which the timer carries out a slice at a time (<see cref="PlanSlice"/>); until it is through
    /// the registry is not ready.
    /// </summary>
    Task Replan()
    {
        if (PairMode == PairModes.Candidates)
        {
            _candidates ??= new CandidateRegistry(CandidatePolicy.Default, exact: state.State.Models.Count <= ExactIndexUpTo);
            // Keys no model holds any more (a model's weights replaced) leave the index and the counted pairs.
            var gone = _candidates.Keys.Where(k => !LiveKeys.Contains(k)).ToList();
            _candidates.Remove(gone);
            _verified.Remove(gone);
            // A planning cut short by this one hands on what it read but had not used yet.
            var unfinished = _planning;
            _planning = new CandidatePlanning(LiveKeys.Where(k => !_candidates.Contains(k)).Order(StringComparer.Ordinal), SignatureKeys());
            if (unfinished != null)
            {
                _planning.ToRestore.AddRange(unfinished.ToRestore);
                _planning.Indexed |= unfinished.Indexed;
            }
            SetPlan([]);
        }
        else SetPlan(TilePlan.Plan(state.State.Models.Values, _verified.IsScored, TileSize, TileKind));
        return Task.CompletedTask;
    }

    void SetPlan(IReadOnlyList<MatrixTile> plan)
    {
        _plan = plan.ToList();
        _planned = _plan.Select(t => t.Key).ToHashSet();
        // A planned tile already done holds pairs no longer counted (a model removed and added again): read it again.
        _done.ExceptWith(_planned);
    }

    /// <summary>
    /// One timer tick's share of a candidate planning, at most <see cref="PlanSliceFor"/>: models not in the index read
    /// into it (their sketches, from the store, made from the fingerprint or signature where the store lacks them), what
    /// earlier searches proposed restored, then new models searched (what each proposed stored); when all that is
    /// through, the closure over every related pair known and the tiles of the candidate pairs not yet scored.
    /// </summary>
    async Task PlanSlice()
    {
        var planning = _planning!;
        var candidates = _candidates!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < PlanSliceFor)
        {
            if (planning.ToIndex.Count > 0)
            {
                await IndexSome(planning, candidates);
                continue;
            }
            foreach (var proposals in planning.ToRestore) candidates.Restore(proposals);
            planning.ToRestore.Clear();
            // Only models never searched search, so a grown hub verifies the new models' pairs and not other neighbours and
            // samples of its old ones.
            var searched = candidates.SearchNew(PlanStep);
            foreach (var proposals in searched) await store.PutAsync(ProposalsKey(proposals.Key), proposals.ToBytes());
            if (searched.Count > 0) continue;
            // Models new to the index close over every related pair known (read from the store on activation, or scored
            // before their sketches could be had); the graph skips pairs it holds.
            candidates.Close(planning.Indexed ? _verified.Related : []);
            _planning = null;
            SetPlan(candidates.Tiles(CandidateTileWidth, TileKind, _verified.IsScored, everything: true));
            return;
        }
    }

    /// <summary>Reads the next models' sketches into the index, and their stored proposals for restoring.</summary>
    async Task IndexSome(CandidatePlanning planning, CandidateRegistry candidates)
    {
        var fresh = new List<(string, float[], float[]?)>();
        for (var taken = 0; taken < PlanStep && planning.ToIndex.TryDequeue(out var key); taken++)
        {
            try
            {
                var (reef, _) = await store.GetOrMakeSketchAsync(StoreKeys.ReefSketch(key), SketchKind.Reef, async () => ReefSketch.Of(await store.GetFingerprintAsync(key)));
                var weights = planning.Signatures.TryGetValue(key, out var signature)
                    ? (await store.GetOrMakeSketchAsync(StoreKeys.WeightSketch(signature), SketchKind.Weights,
                        async () => WeightSketch.Of(await store.GetWeightSignatureAsync(signature)))).Sketch
                    : null;
                fresh.Add((key, reef, weights));
            }
            // One model whose sketch cannot be had (its fingerprint gone from the store, corrupt) is reported and left
            // out of the candidates; the rest of the registry goes on. The next update tries it again.
            catch (InvalidInputException e)
            {
                _failed["sketch " + key] = $"no candidates for {key}: {e.Message}";
            }
        }
        candidates.Add(fresh);
        planning.Indexed |= fresh.Count > 0;
        foreach (var (key, _, _) in fresh)
            if (await StoredProposals(key) is { } proposals) planning.ToRestore.Add(proposals);
    }

    string ProposalsKey(string key) => StoreKeys.CandidateProposals(this.GetPrimaryKeyString(), key, CandidatePolicy.Default.ToString());

    /// <summary>What a model's search proposed in an earlier life of this registry; null when not stored, or unusable (then searched again).</summary>
    async Task<CandidateProposals?> StoredProposals(string key)
    {
        var storeKey = ProposalsKey(key);
        if (await store.GetAsync(storeKey) is not { } bytes) return null;
        try { return CandidateProposals.FromBytes(bytes, key, storeKey); }
        catch (InvalidInputException e)
        {
            var what = $"{e.Message}; {key} searched again";
            log.LogWarning("registry {Registry}: {Repair}", this.GetPrimaryKeyString(), what);
            _repaired.Add(what);
            await store.DeleteAsync(storeKey);
            return null;
        }
    }

    /// <summary>Whether a scored pair is related enough to close over (exact scores, <see cref="CandidatePolicy.RelatedReef"/>).</summary>
    static bool Related(PairScore reef, double weights) =>
        reef.Reef >= CandidatePolicy.Default.RelatedReef || weights >= CandidatePolicy.Default.RelatedWeights;

    /// <summary>Works on the planned tiles not yet done (after a silo died, the new activation waits for this).</summary>
    RegistryProgress Continue()
    {
        if (_error == null && (_planning != null || _plan.Any(Pending)) && _timer == null)
            _timer = this.RegisterGrainTimer(Advance, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(250)));
        return Progress();
    }

    /// <summary>Active silos in the cluster, as its membership says (at least one: this registry's).</summary>
    async Task<int> ActiveSilos()
    {
        if (DateTime.UtcNow - _silos.At < SiloCountFor) return _silos.Silos;
        try { _silos = (Math.Max(1, (await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count), DateTime.UtcNow); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The membership is the cluster's, not this registry's: without an answer, go on as wide as last time.
            log.LogWarning(e, "registry {Registry}: could not count the active silos", this.GetPrimaryKeyString());
            _silos = (_silos.Silos, DateTime.UtcNow);
        }
        return _silos.Silos;
    }

    async Task Advance(CancellationToken cancellation)
    {
        if (_planning != null && _error == null)
        {
            await PlanSlice();
            return;
        }
        var pending = _plan.Where(Pending).Take(TilesPerSilo * await ActiveSilos()).ToList();
        if (pending.Count == 0 || _error != null)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }
        var signatures = SignatureKeys();
        var statuses = await Task.WhenAll(pending.Select(async tile =>
        {
            try { return (tile, status: await GrainFactory.GetGrain<ITileGrain>(tile.Key).EnsureAsync(Request(tile, signatures))); }
            catch (Exception e)
            {
                log.LogWarning("tile {Tile} not reachable ({Error}); will retry", tile.Key, e.Message);
                return (tile, status: new JobStatus(JobState.Running, "", null));
            }
        }));
        var finished = false;
        var related = new List<(string, string)>();
        foreach (var (tile, status) in statuses)
        {
            // A failed tile leaves its pairs unscored and the rest go on; the next update tries it again.
            if (status.State == JobState.Failed) _failed[tile.Key] = $"tile {tile.Key} failed on {status.Silo}: {status.Error}";
            if (status.State != JobState.Done) continue;
            var absorbed = await Absorb(tile.Key);
            if (absorbed.Problem is { } problem)
            {
                // Done but unreadable: corrupt between the write and this read. Deleted, so that its grain computes it again.
                await Discard(tile.Key, problem);
                continue;
            }
            related.AddRange(absorbed.Related);
            _done.Add(tile.Key);
            if (_listed.Add(tile.Key)) state.State.Tiles.Add(tile.Key);
            finished = true;
        }
        _tilesUnwritten |= finished;
        // Candidates close over what just verified as related: the next round's tiles join this update's plan.
        if (finished && PairMode == PairModes.Candidates && _candidates != null)
        {
            _candidates.Close(related);
            foreach (var tile in _candidates.Tiles(CandidateTileWidth, TileKind, _verified.IsScored, everything: false))
                if (_planned.Add(tile.Key)) _plan.Add(tile);
        }
        if (_tilesUnwritten && (DateTime.UtcNow - _tilesWritten >= TileListWriteEvery || !_plan.Any(Pending))) await WriteTileList();
    }

    async Task WriteTileList()
    {
        await state.WriteStateAsync();
        _tilesWritten = DateTime.UtcNow;
        _tilesUnwritten = false;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_tilesUnwritten) await WriteTileList();
    }

    /// <summary>Fingerprint key → weight signature key, from the models' facts (a signature is per content, as a fingerprint key is).</summary>
    Dictionary<string, string> SignatureKeys()
    {
        var signatures = new Dictionary<string, string>();
        foreach (var (id, key) in state.State.Models)
            if (state.State.Facts.TryGetValue(id, out var facts) && facts.WeightSignatureKey is { } signature) signatures[key] = signature;
        return signatures;
    }

    bool Pending(MatrixTile tile) => !_done.Contains(tile.Key) && !_failed.ContainsKey(tile.Key);

    /// <summary>A tile's models with their weight signatures.</summary>
    TileRequest Request(MatrixTile tile, Dictionary<string, string> signatures)
    {
        TileModel Model(string key) => new(key, signatures.GetValueOrDefault(key));
        return new TileRequest(tile.Rows.Select(Model).ToList(), tile.Cols.Select(Model).ToList(), Kernel);
    }

    /// <summary>
    /// Counts a finished tile's pairs as scored (the scores stay in the store) and returns the pairs it shows related; says
    /// what is wrong when the store does not have it or it cannot be read.
    /// </summary>
    async Task<(string? Problem, IReadOnlyList<(string A, string B)> Related)> Absorb(string tileKey)
    {
        var (tile, problem) = await Read(tileKey);
        return tile == null ? (problem, []) : (null, _verified.Add(tileKey, tile, LiveKeys.Contains, Related));
    }

    async Task<(TileResult? Tile, string? Problem)> Read(string tileKey)
    {
        var key = StoreKeys.Tile(tileKey);
        var bytes = await store.GetAsync(key);
        if (bytes == null) return (null, $"{key} is not in the store");
        try { return (TileResult.FromBytes(bytes, key), null); }
        catch (InvalidInputException e) { return (null, e.Message); }
    }

    /// <summary>
    /// A tile read to answer a request. One found gone or corrupt since it was counted is deleted and the request fails,
    /// saying so; the registry then starts again from its tile list (deactivated), which plans that tile's pairs again
    /// at the next update, so no answer is ever missing pairs silently.
    /// </summary>
    async Task<TileResult> ReadForAnswer(string tileKey)
    {
        var (tile, problem) = await Read(tileKey);
        if (tile != null) return tile;
        await Discard(tileKey, problem!);
        DeactivateOnIdle();
        throw new InvalidOperationException(
            $"registry '{this.GetPrimaryKeyString()}': {problem}; the tile is deleted and its pairs are scored again at the next scan");
    }
}
