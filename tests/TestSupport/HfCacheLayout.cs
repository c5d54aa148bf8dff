namespace Reef.TestSupport;

/// <summary>Puts a checkpoint into a folder laid out as huggingface_hub's cache: blobs, snapshot links into them, refs.</summary>
public static class HfCacheLayout
{
    /// <summary>
    /// Adds <paramref name="checkpoint"/> (a folder's files, or one file such as a GGUF model) as <paramref name="repo"/> at
    /// <paramref name="revision"/>; refs/<paramref name="branch"/> names it.
    /// </summary>
    public static string Add(string cache, string repo, string revision, string checkpoint, string? branch = "main")
    {
        var repoDir = Path.Combine(cache, "models--" + repo.Replace("/", "--"));
        var blobs = Directory.CreateDirectory(Path.Combine(repoDir, "blobs")).FullName;
        var snapshot = Directory.CreateDirectory(Path.Combine(repoDir, "snapshots", revision)).FullName;
        Directory.CreateDirectory(Path.Combine(repoDir, "refs"));
        if (branch != null) File.WriteAllText(Path.Combine(repoDir, "refs", branch), revision);
        foreach (var file in File.Exists(checkpoint) ? [checkpoint] : Directory.GetFiles(checkpoint))
        {
            var blob = Path.Combine(blobs, Guid.NewGuid().ToString("N"));
            File.Copy(file, blob);
            File.CreateSymbolicLink(Path.Combine(snapshot, Path.GetFileName(file)), Path.GetRelativePath(snapshot, blob));
        }
        return snapshot;
    }
}
