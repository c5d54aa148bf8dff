namespace Reef.Engine.Analysis.Families;

/// <summary>
/// Derivation families by average linkage over the verdicts: two groups join when at least half of the pairs
/// between them are judged derived. Connected components of "derived" would chain: one model merged from two
/// families, or one false positive, would fuse two families into one. Average linkage puts such a model with
/// the family it resembles more and keeps the families apart.
/// </summary>
public static class FamilyClustering
{
    /// <summary>Share of cross pairs that must be derived for two groups to join.</summary>
    public const double JoinAt = 0.5;

    /// <summary>Groups of model indices, largest first, members in index order; unlinked models are families of one.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Group(int count, Func<int, int, bool> derived)
    {
        // links[a][b]: derived pairs between groups a and b; groups merge into the lower index.
        var members = Enumerable.Range(0, count).Select(i => new List<int> { i }).ToList();
        var alive = Enumerable.Repeat(true, count).ToArray();
        var links = new int[count, count];
        for (var i = 0; i < count; i++)
        for (var j = i + 1; j < count; j++)
            if (derived(i, j)) links[i, j] = links[j, i] = 1;
        while (true)
        {
            (int A, int B, double Share) best = (-1, -1, 0);
            for (var a = 0; a < count; a++)
            {
                if (!alive[a]) continue;
                for (var b = a + 1; b < count; b++)
                {
                    if (!alive[b] || links[a, b] == 0) continue;
                    var share = links[a, b] / (double)(members[a].Count * members[b].Count);
                    if (share > best.Share) best = (a, b, share);
                }
            }
            if (best.Share < JoinAt) break;
            var (x, y, _) = best;
            members[x].AddRange(members[y]);
            alive[y] = false;
            for (var c = 0; c < count; c++)
            {
                links[x, c] += links[y, c];
                links[c, x] = links[x, c];
            }
        }
        return Enumerable.Range(0, count).Where(g => alive[g]).Select(g => (IReadOnlyList<int>)members[g].Order().ToList())
            .OrderByDescending(g => g.Count).ThenBy(g => g[0]).ToList();
    }
}
