namespace Reef.Engine.Hubs;

/// <summary>A checkpoint found in a hub: its model id and folder.</summary>
/// <param name="Id">
/// <c>org/name@revision</c> for the Hugging Face cache layout, else the folder's path relative to the hub root
/// (with '/' separators).
/// </param>
/// <param name="Path">The checkpoint folder (for the cache layout, the snapshot folder).</param>
/// <param name="Problem">Why the checkpoint must not be read (a file that links outside the hub); null when it may.</param>
public sealed record HubModel(string Id, string Path, string? Problem = null);

/// <summary>Something under the hub that discovery passed over, and why (a link loop, a link out of the hub).</summary>
public sealed record HubSkip(string Path, string Reason);

/// <summary>What a hub holds: its checkpoints, ordered by id, and what was passed over.</summary>
public sealed record HubListing(IReadOnlyList<HubModel> Models, IReadOnlyList<HubSkip> Skipped);

/// <summary>
/// Finds every checkpoint under a hub folder: plain folders holding a config.json, at any depth, llama.cpp GGUF files (each
/// one model), and the Hugging Face cache layout <c>models--org--name/snapshots/REV/</c> (files there are links into blobs/;
/// a snapshot of GGUF files lists each as <c>org/name@REV/file.gguf</c>).
/// Folders whose name starts with '.' are skipped; the search does not descend into a checkpoint. A folder
/// is listed as soon as it has a config.json, broken or not: whether it loads is the scan's to report.
/// A hub is written by strangers, so links are followed only while they stay inside the hub: a folder reached
/// twice (a link loop, or a second link to the same place) is passed over and reported, a link out of the hub is
/// not followed, and a checkpoint whose files link out of the hub (the cache's links into its own blobs/ are
/// inside) is listed with the problem instead of being read.
/// </summary>
public static class HubDiscovery
{
    /// <summary>The checkpoints under <paramref name="root"/>, ordered by id, and what was passed over.</summary>
    public static HubListing Find(string root)
    {
        var full = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new InvalidInputException(root, "hub folder does not exist");
        var realRoot = FileSystemProbe.Resolve(full) ?? full;
        var walk = new Walker(realRoot);
        walk.Folder(realRoot, "");
        return new HubListing(walk.Found.OrderBy(m => m.Id, StringComparer.Ordinal).ToList(), walk.Skipped);
    }

    sealed class Walker(string root)
    {
        readonly HashSet<string> _visited = [root];
        public List<HubModel> Found { get; } = [];
        public List<HubSkip> Skipped { get; } = [];

        public void Folder(string directory, string idPrefix)
        {
            foreach (var child in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
            {
                var name = System.IO.Path.GetFileName(child);
                if (name.StartsWith('.')) continue;
                if (Enter(child) is not { } target) continue;
                if (name.StartsWith("models--", StringComparison.Ordinal) && Directory.Exists(System.IO.Path.Combine(target, "snapshots")))
                {
                    var repo = string.Join('/', name["models--".Length..].Split("--"));
                    foreach (var snapshot in Directory.EnumerateDirectories(System.IO.Path.Combine(target, "snapshots")).Order(StringComparer.Ordinal))
                    {
                        if (Enter(snapshot) is not { } folder) continue;
                        var id = $"{repo}@{System.IO.Path.GetFileName(snapshot)}";
                        if (File.Exists(System.IO.Path.Combine(folder, "config.json"))) Found.Add(new HubModel(id, folder, LinksOut(folder, root)));
                        // A GGUF repository's snapshot holds quantizations, each a model.
                        else GgufFiles(folder, id + "/");
                    }
                    continue;
                }
                if (File.Exists(System.IO.Path.Combine(target, "config.json")))
                {
                    Found.Add(new HubModel(idPrefix + name, target, LinksOut(target, root)));
                    continue;
                }
                Folder(target, idPrefix + name + "/");
            }
            GgufFiles(directory, idPrefix);
        }

        /// <summary>Each GGUF file in <paramref name="directory"/> is a model (a folder of quantizations is several), id'd by its path.</summary>
        void GgufFiles(string directory, string idPrefix)
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.gguf").Order(StringComparer.Ordinal))
            {
                var name = System.IO.Path.GetFileName(file);
                if (name.StartsWith('.')) continue;
                Found.Add(new HubModel(idPrefix + name, file, LinkOut(file, root)));
            }
        }

        /// <summary>The folder to go into for <paramref name="path"/>, or null (reported) when it is a link loop, a second way in, or a way out.</summary>
        string? Enter(string path)
        {
            var target = path;
            if (FileSystemProbe.Stat(path).Kind == FileKind.SymbolicLink)
            {
                target = FileSystemProbe.Resolve(path)!;
                if (target == null) { Skipped.Add(new HubSkip(path, "a link to nothing")); return null; }
                if (!FileSystemProbe.IsWithin(target, root)) { Skipped.Add(new HubSkip(path, $"a link out of the hub, to {target}; not followed")); return null; }
            }
            if (_visited.Add(target)) return target;
            var loop = FileSystemProbe.IsWithin(path, target) || FileSystemProbe.IsWithin(FileSystemProbe.Resolve(System.IO.Path.GetDirectoryName(path)!) ?? "", target);
            Skipped.Add(new HubSkip(path, loop ? $"a link loop back to {target}; not followed" : $"a second way to {target}, which is listed once"));
            return null;
        }
    }

    /// <summary>Why the checkpoint in <paramref name="folder"/> must not be read: a file of it that links outside <paramref name="root"/>; null when none does.</summary>
    public static string? LinksOut(string folder, string root) =>
        Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(file => LinkOut(file, root)).FirstOrDefault(problem => problem != null);

    /// <summary>Why <paramref name="file"/> must not be read: it is a link that leads outside <paramref name="root"/>; null when it is not.</summary>
    public static string? LinkOut(string file, string root) =>
        FileSystemProbe.Stat(file).Kind == FileKind.SymbolicLink && FileSystemProbe.Resolve(file) is { } target && !FileSystemProbe.IsWithin(target, root)
            ? $"{file} links outside the hub, to {target}; a hub's files may link only within the hub"
            : null;
}
