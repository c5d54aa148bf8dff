using Reef.Engine.Hubs;

namespace Reef.Engine.Analysis.Evaluation;

/// <summary>What the ground truth says of a pair.</summary>
public enum RelationKind
{
    /// <summary>One model descends from the other (through parents, merge partners included).</summary>
    Derived,
    /// <summary>Same family, neither descends from the other (siblings, cousins).</summary>
    Related,
    /// <summary>No common ancestor.</summary>
    Unrelated,
}

/// <summary>A pair's ground truth: for a derived pair, the descendant's op and whether any step from the ancestor is heavy.</summary>
public sealed record PairRelation(RelationKind Kind, string? Op = null, Strength Strength = Strength.Light);

/// <summary>Relations between the models of a ground-truth lineage file.</summary>
public sealed class TruthRelations
{
    readonly Dictionary<string, GroundTruthModel> models;
    /// <summary>For each model, its ancestors and whether the lightest path from each is all light.</summary>
    readonly Dictionary<string, Dictionary<string, bool>> ancestors = new();

    public TruthRelations(IReadOnlyList<GroundTruthModel> truth)
    {
        models = truth.ToDictionary(m => m.Id);
        foreach (var m in truth) ancestors[m.Id] = Ancestors(m);
    }

    public bool Contains(string id) => models.ContainsKey(id);
    public GroundTruthModel this[string id] => models[id];

    /// <summary>The models a merge or derivative was made from: its parent, a merge's partner, a second family's parent.</summary>
    public IReadOnlyList<string> Parents(string id)
    {
        return models[id].Parents.Where(p => models.ContainsKey(p)).ToList();
    }

    /// <summary>The relation of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public PairRelation Of(string a, string b)
    {
        if (ancestors[b].TryGetValue(a, out var light)) return Derived(b, light);
        if (ancestors[a].TryGetValue(b, out light)) return Derived(a, light);
        var rootsA = ancestors[a].Keys.Append(a).ToHashSet();
        return ancestors[b].Keys.Append(b).Any(rootsA.Contains) || models[a].Family == models[b].Family
            ? new PairRelation(RelationKind.Related) : new PairRelation(RelationKind.Unrelated);
    }

    PairRelation Derived(string descendant, bool allLight) =>
        new(RelationKind.Derived, models[descendant].Op, allLight ? Strength.Light : Strength.Heavy);

    Dictionary<string, bool> Ancestors(GroundTruthModel m)
    {
        // Breadth-first up the parents; a path is light when every model on it below the ancestor is light.
        var found = new Dictionary<string, bool>();
        var queue = new Queue<(string Id, bool Light)>();
        queue.Enqueue((m.Id, m.Strength != Strength.Heavy));
        while (queue.Count > 0)
        {
            var (id, light) = queue.Dequeue();
            if (!models.ContainsKey(id)) continue;
            foreach (var p in Parents(id))
            {
                if (found.TryGetValue(p, out var seen) && (seen || !light)) continue;
                found[p] = light;
                if (models.TryGetValue(p, out var pm)) queue.Enqueue((p, light && pm.Strength != Strength.Heavy));
            }
        }
        return found;
    }
}
