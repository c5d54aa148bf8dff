namespace Reef.Engine.Hubs;

/// <summary>A checkpoint found in a hub: its model id and folder.</summary>
/// <param name="Id">
/// <c>org/name@revision</c> for the Hugging Face cache layout, else the folder's path relative to the hub root
/// (with '/' separators).
/// </param>
/// <param name="Path">The checkpoint folder (for the cache layout, the snapshot folder).</param>
public sealed record HubModel(string Id, string Path);

/// <summary>
/// Finds every checkpoint under a hub folder: plain folders holding a config.json, at any depth, and the
/// Hugging Face cache layout <c>models--org--name/snapshots/REV/</c> (files there are links into blobs/).
/// Folders whose name starts with '.' are skipped; the search does not descend into a checkpoint. A folder
/// is listed as soon as it has a config.json, broken or not: whether it loads is the scan's to report.
/// </summary>
public static class HubDiscovery
{
    /// <summary>The checkpoints under <paramref name="root"/>, ordered by id.</summary>
    public static IReadOnlyList<HubModel> Find(string root)
    {
        var full = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new InvalidInputException(root, "hub folder does not exist");
        var found = new List<HubModel>();
        Walk(full, full, found);
        return found.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
    }

    static void Walk(string root, string directory, List<HubModel> found)
    {
        foreach (var child in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(child);
            if (name.StartsWith('.')) continue;
            if (name.StartsWith("models--", StringComparison.Ordinal) && Directory.Exists(System.IO.Path.Combine(child, "snapshots")))
            {
                var repo = string.Join('/', name["models--".Length..].Split("--"));
                foreach (var snapshot in Directory.EnumerateDirectories(System.IO.Path.Combine(child, "snapshots")).Order(StringComparer.Ordinal))
                    if (File.Exists(System.IO.Path.Combine(snapshot, "config.json")))
                        found.Add(new HubModel($"{repo}@{System.IO.Path.GetFileName(snapshot)}", snapshot));
                continue;
            }
            if (File.Exists(System.IO.Path.Combine(child, "config.json")))
            {
                found.Add(new HubModel(System.IO.Path.GetRelativePath(root, child).Replace(System.IO.Path.DirectorySeparatorChar, '/'), child));
                continue;
            }
            Walk(root, child, found);
        }
    }
}
