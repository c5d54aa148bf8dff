namespace Reef.Engine.Analysis.Lineage;

/// <summary>
/// Matches the parent names checkpoints give (model cards' <c>base_model</c>, <c>_name_or_path</c>, reef_lineage.json)
/// to the registry's model ids, so metadata that names a member of a family can place it in the lineage.
/// </summary>
public static class ParentHintResolver
{
    /// <summary>The registry model that the first resolvable hint names, or -1 (hints most specific first).</summary>
    public static int ParentOf(IEnumerable<string> hints, IReadOnlyList<string> ids, int self) =>
        hints.Select(h => Resolve(h, ids, self)).FirstOrDefault(p => p >= 0, -1);

    /// <summary>
    /// The registry model a hint names, or -1: an exact id, or an id and hint that agree on their last one or
    /// two path segments (a hub id "org/name" against a local folder "name", or a cache path).
    /// </summary>
    public static int Resolve(string hint, IReadOnlyList<string> ids, int self)
    {
        var h = Segments(hint);
        for (var i = 0; i < ids.Count; i++)
            if (i != self && ids[i] == hint) return i;
        for (var i = 0; i < ids.Count; i++)
        {
            if (i == self) continue;
            var id = Segments(ids[i]);
            var k = Math.Min(Math.Min(h.Length, id.Length), 2);
            if (k > 0 && h[^k..].SequenceEqual(id[^k..])) return i;
        }
        return -1;
    }

    static string[] Segments(string name) => name.Replace('\\', '/').Split('@')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);

}
