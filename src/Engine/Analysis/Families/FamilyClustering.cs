namespace Reef.Engine.Analysis.Families;

/// <summary>
/// Derivation families by average linkage over the verdicts: two groups join when at least half of the pairs
/// between them are judged derived. Connected components of "derived" would chain: one model merged from two
/// families, or one false positive, would fuse two families into one. Average linkage puts such a model with
/// the family it resembles more and keeps the families apart.
/// Works on the derived pairs alone, O(E log E) in their number: groups with no derived pair between them never join,
/// so the N² pairs of a hub are never looked at.
/// </summary>
public static class FamilyClustering
{
    /// <summary>Share of cross pairs that must be derived for two groups to join.</summary>
    public const double JoinAt = 0.5;

    /// <summary>Groups of model indices, largest first, members in index order; unlinked models are families of one.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Group(int count, Func<int, int, bool> derived)
    {
        var edges = new List<(int, int)>();
        for (var i = 0; i < count; i++)
        for (var j = i + 1; j < count; j++)
            if (derived(i, j)) edges.Add((i, j));
        return Group(count, edges);
    }

    /// <summary>
    /// The same from the pairs judged derived. A group is named by its smallest member; the pair of groups with the
    /// highest share joins first, ties to the smallest names, as a scan of every pair in index order would choose.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Group(int count, IEnumerable<(int A, int B)> derived)
    {
        var members = new List<int>?[count];
        // links[g][h]: derived pairs between groups g and h, kept for both.
        var links = new Dictionary<int, int>?[count];
        for (var i = 0; i < count; i++) members[i] = [i];
        foreach (var (a, b) in derived)
        {
            if (a == b) continue;
            Link(links, a, b, 1);
        }
        // Candidate joins, best first: highest share, then smallest (a, b). Entries go stale when a group grows; each
        // carries the sizes it was computed with and is skipped if they changed.
        var queue = new PriorityQueue<(int A, int B, int SizeA, int SizeB), (double, int, int)>(
            Comparer<(double Share, int A, int B)>.Create((x, y) => y.Share != x.Share ? y.Share.CompareTo(x.Share) : x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B)));
        void Offer(int g, int h)
        {
            var (a, b) = g < h ? (g, h) : (h, g);
            var share = links[a]![b] / (double)(members[a]!.Count * members[b]!.Count);
            if (share >= JoinAt) queue.Enqueue((a, b, members[a]!.Count, members[b]!.Count), (share, a, b));
        }
        for (var g = 0; g < count; g++)
            if (links[g] is { } around)
                foreach (var h in around.Keys)
                    if (g < h) Offer(g, h);

        while (queue.TryDequeue(out var join, out _))
        {
            var (x, y) = (join.A, join.B);
            if (members[x] is not { } mx || members[y] is not { } my || mx.Count != join.SizeA || my.Count != join.SizeB) continue;
            mx.AddRange(my);
            members[y] = null;
            foreach (var (c, n) in links[y]!)
            {
                links[c]!.Remove(y);
                if (c != x) Link(links, x, c, n);
            }
            links[x]!.Remove(y);
            links[y] = null;
            foreach (var c in links[x]!.Keys) Offer(x, c);
        }
        return Enumerable.Range(0, count).Where(g => members[g] != null).Select(g => (IReadOnlyList<int>)members[g]!.Order().ToList())
            .OrderByDescending(g => g.Count).ThenBy(g => g[0]).ToList();
    }

    /// <summary>
    /// The same over models of which some are copies (the same weights under other ids): the copies are clustered as their
    /// <paramref name="representative"/> and join its family, so k uploads of one checkpoint weigh as one model in the
    /// linkage and need no pairs among themselves.
    /// </summary>
    /// <param name="count">Models.</param>
    /// <param name="derived">Pairs judged derived (copies may appear; their pairs count as their representative's).</param>
    /// <param name="representative">Each model's representative: itself, or the first model with its weights.</param>
    public static IReadOnlyList<IReadOnlyList<int>> Group(int count, IEnumerable<(int A, int B)> derived, IReadOnlyList<int> representative)
    {
        var edges = new HashSet<(int, int)>();
        foreach (var (a, b) in derived)
        {
            var (x, y) = (representative[a], representative[b]);
            if (x != y) edges.Add(x < y ? (x, y) : (y, x));
        }
        var copies = new Dictionary<int, List<int>>();
        for (var i = 0; i < count; i++)
            if (representative[i] != i) (copies.TryGetValue(representative[i], out var l) ? l : copies[representative[i]] = []).Add(i);
        if (copies.Count == 0) return Group(count, edges);
        return Group(count, edges).Where(f => representative[f[0]] == f[0] || f.Count > 1)
            .Select(f => (IReadOnlyList<int>)f.Concat(f.SelectMany(m => copies.GetValueOrDefault(m) ?? [])).Order().ToList())
            .OrderByDescending(g => g.Count).ThenBy(g => g[0]).ToList();
    }

    static void Link(Dictionary<int, int>?[] links, int a, int b, int n)
    {
        var la = links[a] ??= new Dictionary<int, int>();
        var lb = links[b] ??= new Dictionary<int, int>();
        la[b] = la.GetValueOrDefault(b) + n;
        lb[a] = lb.GetValueOrDefault(a) + n;
    }
}
