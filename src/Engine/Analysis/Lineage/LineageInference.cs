using Reef.Engine.Weights;

namespace Reef.Engine.Analysis.Lineage;

/// <summary>
/// Proposes each family's provenance graph: a root, and for every other member its parents, each edge typed
/// (<see cref="EdgeKind"/>) with the evidence for it and a confidence. A DAG, not a tree: a merge gets an edge from every
/// parent its weights are a mix of (<see cref="EdgeTyping.MergeOf"/>), in its family or not.
/// <list type="number">
/// <item><b>Direction from evidence.</b> Every scored pair in the family is typed from the weights (<see cref="EdgeTyping.Classify"/>):
/// quantization and pruning lose information, shapes lose units, so the poorer model is the child. Where a model has no
/// evidence, sizes alone say that a smaller model is the child. A model so named never becomes the root nor its child's child.</item>
/// <item><b>The root</b> is, of the models nothing names a child (nor a merge), the most central in raw weights (every
/// derivative made from it is near it; a permuted or rotated copy is near nothing), then by the scores; size is only the
/// tie-break after these, then the registry order.</item>
/// <item><b>Parents.</b> The graph grows from the root: each step attaches the outside model nearest to one already placed,
/// where nothing says the placed one is the child. Nearness is, in order of trust: the raw-weight distance of two models of
/// the same shapes (a fine-tune is near its parent, farther from its siblings and from a merge made from it); then the
/// weight signature of two that compute the same function with moved weights (re-parameterizations, which no raw
/// distance links); then the judged scores. Near-ties go to the model placed earlier, closer to the root: a model pruned
/// to 90 % is nearly as near to the 30 %-pruned sibling as to the parent both came from. A merge waits for all its parents
/// in the family and is attached to each.</item>
/// </list>
/// Checkpoint metadata, where it names a family member, places the model under it first. Work per family is O(E_f) typings
/// and nearnesses over its scored pairs plus O(F²) comparisons for the growth: a family of thousands is seconds.
/// </summary>
public static class LineageInference
{
    /// <summary>Closeness differences below this are ties (the scores' tier).</summary>
    public const double Tie = 1e-4;

    /// <summary>Raw-weight distances within this fraction of each other are ties.</summary>
    public const double RelativeTie = 0.02;

    /// <summary>
    /// How much nearer than the root another member must be, in raw weights, to be taken as a model's parent. Siblings
    /// fine-tuned on the same data move in correlated directions: two of one budget whose updates have cosine c sit
    /// 1/√(1.25 − c) times nearer to the even merge of one with the root than to the root (1.31 on the full zoo, c = 0.67),
    /// where a true second generation with an uncorrelated step is √2 nearer to its parent than to the root (the zoo's
    /// fine-tunes of fine-tunes: 1.9). Hubs are mostly stars around a few bases, so the doubt goes to the root.
    /// </summary>
    public const double RootwardMargin = 0.4;

    /// <summary>
    /// Raw-weight distance below which two models' weights are related at all (independent ones are √2 apart; the zoo's
    /// 90 %-pruned models 0.9 from their parents): beyond it the distance says nothing and the scores decide.
    /// </summary>
    public const double RelatedBelow = 1.2;

    /// <summary>Weight signature score at which two models compute the same function (<see cref="EdgeTyping"/>'s threshold).</summary>
    const double SameFunction = 0.999;

    /// <summary>Raw distance at which a same-function pair has moved its weights: a re-parameterization, not a light edit.</summary>
    const double Moved = 0.2;

    /// <inheritdoc cref="Infer(IReadOnlyList{int}, IReadOnlyList{RegistryModel}, LineageSignals, IReadOnlyList{int}?, IReadOnlyDictionary{int, MergeFit}?)"/>
    public static IReadOnlyList<ParentEdge> Infer(IReadOnlyList<int> family, IReadOnlyList<RegistryModel> models, Func<int, int, double> closeness,
        IReadOnlyList<int>? hints = null) => Infer(family, models, LineageSignals.Of(closeness), hints);

    /// <param name="family">Member indices.</param>
    /// <param name="models">The registry's models (for sizes).</param>
    /// <param name="signals">Scores, weight evidence and scored pairs.</param>
    /// <param name="hints">Parent named by each model's metadata, -1 where none (null to ignore metadata).</param>
    /// <param name="merges">The merges among the members (<see cref="MergeSearch"/>); null: found here.</param>
    public static IReadOnlyList<ParentEdge> Infer(IReadOnlyList<int> family, IReadOnlyList<RegistryModel> models, LineageSignals signals,
        IReadOnlyList<int>? hints = null, IReadOnlyDictionary<int, MergeFit>? merges = null)
    {
        if (family.Count == 1) return [new ParentEdge(family[0], -1, "root")];
        return new FamilyLineage(family, models, signals, hints, merges).Grow();
    }

    /// <summary>
    /// The cost of an edge parent → child, lower is nearer, in tiers trusted in this order (each tier's values stay below the
    /// next tier's): 0, the same function with the weights hardly moved (quantized, noised, lightly pruned: raw distance);
    /// 10, the same function with the weights moved (re-parameterized: how far the signature is from equal); 20, related raw
    /// weights (fine-tuned, heavily pruned, merged: raw distance); 30, the judged scores alone. Null where the pair was never
    /// scored. A raw distance from a model other than the root costs <see cref="RootwardMargin"/> more: doubts go to the root.
    /// </summary>
    static double? EdgeCost(double distance, double signature, double closeness, bool fromRoot)
    {
        var rootward = fromRoot ? 1 : 1 + RootwardMargin;
        var sameFunction = signature >= SameFunction;
        if (sameFunction && distance < Moved) return distance * rootward;
        if (sameFunction) return 10 + Math.Round((1 - signature) / Tie) * Tie * 100;
        if (distance < RelatedBelow) return 20 + distance * rootward;
        if (closeness > 0) return ScoresTier + Math.Round((1 - closeness) / Tie) * Tie;
        return null;
    }

    /// <summary>Where <see cref="EdgeCost"/>'s tier of the judged scores begins.</summary>
    const double ScoresTier = 30;

    /// <summary>An edge the evidence says runs the other way, kept so that contradictory evidence cannot leave a model unplaced.</summary>
    const double Contradicted = 100;

    /// <summary>The last resort: under the root, where no scored pair links a model to the rest of its family.</summary>
    const double Unlinked = 1000;

    sealed class FamilyLineage(IReadOnlyList<int> family, IReadOnlyList<RegistryModel> models, LineageSignals signals, IReadOnlyList<int>? hints,
        IReadOnlyDictionary<int, MergeFit>? merges)
    {
        readonly HashSet<int> _members = family.ToHashSet();
        readonly Dictionary<int, WeightEvidence?> _evidence = [];
        readonly Dictionary<(int, int), EdgeType?> _types = [];
        readonly Dictionary<(int, int), double> _distance = [];
        /// <summary>The merges among the members, found beforehand (they decide which family a merge of two families joins).</summary>
        IReadOnlyDictionary<int, MergeFit> _merges = merges ?? new Dictionary<int, MergeFit>();

        WeightEvidence? Evidence(int m)
        {
            if (!_evidence.TryGetValue(m, out var e)) _evidence[m] = e = signals.Evidence(m);
            return e;
        }

        int Hint(int m) => hints != null && hints[m] >= 0 && hints[m] != m && _members.Contains(hints[m]) ? hints[m] : -1;

        readonly Dictionary<int, IReadOnlyList<int>> _neighbours = [];

        /// <summary>The family members scored against <paramref name="m"/>, in order (once per member: O(degree) each).</summary>
        IReadOnlyList<int> Neighbours(int m)
        {
            if (!_neighbours.TryGetValue(m, out var list))
                _neighbours[m] = list = (signals.Scored?.Invoke(m) ?? family).Where(o => o != m && _members.Contains(o)).Distinct().Order().ToList();
            return list;
        }

        /// <summary>The type of the edge parent → child from the weights; null where either has no evidence.</summary>
        EdgeType? TypeOf(int parent, int child)
        {
            var key = parent < child ? (parent, child) : (child, parent);
            if (!_types.TryGetValue(key, out var type))
            {
                var (a, b) = (Evidence(key.Item1), Evidence(key.Item2));
                _types[key] = type = a != null && b != null ? EdgeTyping.Classify(a, b, signals.WeightScore(key.Item1, key.Item2)) : null;
            }
            if (type == null || parent < child) return type;
            return type with { ChildIsSecond = type.ChildIsSecond is { } second ? !second : null };
        }

        /// <summary>+1 where the evidence says <paramref name="child"/> came from <paramref name="parent"/>, −1 the other way, 0 where it cannot tell.</summary>
        int Direction(int parent, int child)
        {
            // A merge's parents, and theirs where they are merges too, came before it: a merge sits between them, nearer to each
            // than they are to each other, and would otherwise be taken for their parent.
            if (MergedFrom(child, parent, [])) return 1;
            if (MergedFrom(parent, child, [])) return -1;
            if (TypeOf(parent, child) is { } type) return type.ChildIsSecond switch { true => 1, false => -1, null => 0 };
            var (p, c) = (models[parent], models[child]);
            if (SameSize(p, c)) return 0;
            return NotSmaller(p, c) ? 1 : NotSmaller(c, p) ? -1 : 0;
        }

        /// <summary>Whether <paramref name="ancestor"/> is a parent of the merge <paramref name="model"/>, or of a merge among its parents.</summary>
        bool MergedFrom(int model, int ancestor, HashSet<int> seen) =>
            _merges.TryGetValue(model, out var merge) && seen.Add(model) && merge.Parents.Any(p => p == ancestor || MergedFrom(p, ancestor, seen));

        /// <summary>Raw-weight distance (<see cref="WeightEvidenceMath.Distance"/>); NaN where either has no evidence or the shapes differ.</summary>
        double Distance(int a, int b)
        {
            var key = a < b ? (a, b) : (b, a);
            if (!_distance.TryGetValue(key, out var d))
                _distance[key] = d = Evidence(a) is { } ea && Evidence(b) is { } eb ? WeightEvidenceMath.Distance(ea, eb) : double.NaN;
            return d;
        }

        double? Cost(int parent, int child, int root) =>
            EdgeCost(Distance(parent, child), signals.WeightScore(parent, child), signals.Closeness(parent, child), parent == root);

        /// <summary>
        /// Mean raw-weight distance to the rest of the family (capped where unrelated or not comparable, and for pairs never
        /// scored): lower is more central. Summed over the scored pairs only, so O(degree).
        /// </summary>
        double RawSpread(int m) =>
            (Neighbours(m).Sum(o => Distance(m, o) is var d && d < RelatedBelow ? d : RelatedBelow) + (family.Count - 1 - Neighbours(m).Count) * RelatedBelow)
            / (family.Count - 1);

        /// <summary>Mean closeness to the rest of the family (0 for pairs never scored).</summary>
        double MeanCloseness(int m) => Neighbours(m).Sum(o => signals.Closeness(m, o)) / (family.Count - 1);

        /// <summary>
        /// The root: of the members nothing names a child (nor a merge, nor metadata), the one most members are nearest to in raw weights —
        /// the hub a family's derivatives are made around, where a fine-tune of it is nearest to its own few children — then
        /// the nearest to the rest in raw weights, then by the scores, then the largest, then the registry order.
        /// </summary>
        (int Root, int Candidates) ChooseRoot()
        {
            var namedChild = family.Where(m => _merges.ContainsKey(m) || Neighbours(m).Any(o => Direction(o, m) > 0)).ToHashSet();
            var candidates = family.Where(m => Hint(m) < 0 && !namedChild.Contains(m)).ToList();
            if (candidates.Count == 0) candidates = family.Where(m => Hint(m) < 0 && !_merges.ContainsKey(m)).ToList();
            if (candidates.Count == 0) candidates = family.ToList(); // metadata that loops: let the scores decide
            var nearestOf = new Dictionary<int, int>();
            foreach (var v in family)
            {
                // Nearness in the weights only (the scores' tier is too coarse to tell a parent from its nearest child).
                var costs = Neighbours(v).Where(u => Direction(u, v) >= 0).Select(u => (u, Cost: Cost(u, v, root: u))).Where(x => x.Cost < ScoresTier).ToList();
                if (costs.Count == 0) continue;
                var least = costs.Min(x => x.Cost!.Value);
                var slack = RelativeTie * (least % 10) + 1e-12;
                foreach (var (u, _) in costs.Where(x => x.Cost <= least + slack)) nearestOf[u] = nearestOf.GetValueOrDefault(u) + 1;
            }
            var root = candidates.OrderByDescending(m => nearestOf.GetValueOrDefault(m))
                .ThenBy(m => Math.Round(RawSpread(m) / (RelativeTie * RelatedBelow)))
                .ThenByDescending(m => Math.Round(MeanCloseness(m) / Tie))
                .ThenByDescending(m => models[m].Layers).ThenByDescending(m => models[m].HiddenSize).ThenByDescending(m => models[m].Parameters)
                .ThenBy(m => m).First();
            return (root, candidates.Count);
        }

        public IReadOnlyList<ParentEdge> Grow()
        {
            if (merges == null) _merges = MergeSearch.Find(family, signals, Evidence);
            var (root, candidates) = ChooseRoot();
            var index = new Dictionary<int, int>();
            for (var i = 0; i < family.Count; i++) index[family[i]] = i;
            var edges = new List<DirectedEdge>();
            foreach (var v in family.Where(v => v != root))
            {
                var (hint, merge) = (Hint(v), _merges.GetValueOrDefault(v));
                if (hint >= 0) edges.Add(new DirectedEdge(index[hint], index[v], 0));
                else if (merge != null)
                {
                    // A merge hangs under its parents in the family; the arborescence needs one of them, the graph gets all.
                    var inFamily = merge.Parents.Where(_members.Contains).ToList();
                    edges.Add(new DirectedEdge(index[inFamily.Count > 0 ? inFamily[0] : root], index[v], 0));
                }
                else
                    // The root's edge first: among equal costs the arborescence keeps the edge listed first.
                    foreach (var u in Neighbours(v).OrderBy(u => u == root ? 0 : 1))
                        if (Cost(u, v, root) is { } cost)
                            edges.Add(new DirectedEdge(index[u], index[v], Direction(u, v) >= 0 ? cost : cost + Contradicted));
                edges.Add(new DirectedEdge(index[root], index[v], Unlinked));
            }
            var chosen = MinimumArborescence.Solve(family.Count, index[root], edges);
            var incoming = edges.ToLookup(e => e.To);

            var lineage = new List<ParentEdge>
            {
                new(root, -1, "root")
                {
                    Confidence = candidates == 1 ? 1 : 0.5,
                    Evidence = candidates == 1 ? "the only member nothing names a child"
                        : $"of {candidates} members nothing names a child, the one most others are nearest to",
                },
            };
            foreach (var v in family.Where(v => v != root))
            {
                if (Hint(v) >= 0) lineage.AddRange(MetadataEdges(v, Hint(v)));
                else if (_merges.ContainsKey(v)) lineage.AddRange(MergeEdges(v));
                else if (chosen[index[v]] is var e && e >= 0 && edges[e].Cost < Unlinked)
                    lineage.Add(ScoredEdge(v, family[edges[e].From], edges[e].Cost, incoming[index[v]].Where(x => x.From != edges[e].From).Select(x => x.Cost)));
                else
                    lineage.Add(new ParentEdge(v, root, "scores")
                    {
                        Kind = EdgeKind.Other, Confidence = 0, Evidence = "no scored pair links it to the rest of its family's lineage",
                    });
            }
            return lineage;
        }

        ParentEdge ScoredEdge(int child, int parent, double cost, IEnumerable<double> alternatives)
        {
            // The margin over the runner-up: relative within a tier, whole across tiers.
            var second = alternatives.DefaultIfEmpty(double.PositiveInfinity).Min();
            var tier = Math.Floor(cost / 10);
            var margin = Math.Floor(second / 10) > tier ? 1 : Math.Clamp((second - cost) / Math.Max(1e-9, second - tier * 10) / 0.1, 0, 1);
            var type = Typed(parent, child);
            var directed = TypeOf(parent, child)?.ChildIsSecond != null || !SameSize(models[parent], models[child]);
            var contradicted = cost >= Contradicted;
            var confidence = contradicted ? 0.1 : (0.5 + 0.5 * margin) * (directed ? 1 : 0.75);
            var within = cost % 10;
            return new ParentEdge(child, parent, "scores")
            {
                Kind = type.Kind, Unit = type.Unit, Confidence = Math.Round(confidence, 3),
                Evidence = type.Evidence + (contradicted ? "; against the evidence of direction (nothing else links it)" : "") + (tier % 10) switch
                {
                    0 => $"; same function, nearest in raw weights (distance {within:F3})",
                    1 => $"; the same function by the weight signature ({signals.WeightScore(parent, child):F4})",
                    2 => $"; nearest in raw weights (distance {within:F3})",
                    _ => $"; closest by the scores ({signals.Closeness(parent, child):F4})",
                },
            };
        }

        IEnumerable<ParentEdge> MetadataEdges(int child, int named)
        {
            if (_merges.ContainsKey(child) && _merges[child].Parents.Contains(named)) return MergeEdges(child, named);
            var type = Typed(named, child);
            return [new ParentEdge(child, named, "metadata") { Kind = type.Kind, Unit = type.Unit, Confidence = 1, Evidence = type.Evidence }];
        }

        IEnumerable<ParentEdge> MergeEdges(int child, int named = -1)
        {
            var (parents, weights, residual) = _merges[child];
            var evidence = $"a mix of {parents.Length} models' weights (residual {residual:F3})";
            return parents.Select((p, k) => new ParentEdge(child, p, p == named ? "metadata" : "scores")
            {
                Kind = EdgeKind.Merge, MixWeight = Math.Round(weights[k], 4), Confidence = Math.Round(Math.Clamp(1 - residual, 0, 1), 3), Evidence = evidence,
            });
        }

        /// <summary>The edge's type: from the weights where both have evidence, else from the configs' sizes.</summary>
        EdgeType Typed(int parent, int child)
        {
            var (p, c) = (models[parent], models[child]);
            if (TypeOf(parent, child) is { } type)
                return type.ChildIsSecond == false && type.Kind == EdgeKind.StructuredPrune
                    ? type with { Kind = EdgeKind.DepthOrWidthChange, ChildIsSecond = true, Evidence = $"{type.Unit} added: the child is the larger" }
                    : type;
            if (SameSize(p, c)) return new EdgeType(EdgeKind.Other, null, null, "no weight evidence: placed by the scores alone");
            var unit = p.Layers != c.Layers ? "layers" : p.HiddenSize != c.HiddenSize ? "hidden" : "ffn";
            return NotSmaller(p, c)
                ? new EdgeType(EdgeKind.StructuredPrune, true, unit, $"{unit} removed: the child's config is the parent's less whole units")
                : new EdgeType(EdgeKind.DepthOrWidthChange, true, unit, $"{unit} changed: the child's config is not the parent's less units");
        }
    }

    static bool SameSize(RegistryModel a, RegistryModel b) => a.Layers == b.Layers && a.HiddenSize == b.HiddenSize && a.Parameters == b.Parameters;

    static bool NotSmaller(RegistryModel parent, RegistryModel child) =>
        parent.Layers >= child.Layers && parent.HiddenSize >= child.HiddenSize && parent.Parameters >= child.Parameters;
}
