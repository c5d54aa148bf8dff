using System.Text.RegularExpressions;

namespace Reef.Engine.Hubs;

/// <summary>
/// Hugging Face's local model cache, in huggingface_hub's layout (<c>models--org--name/snapshots/COMMIT/</c>, with
/// <c>refs/BRANCH</c> files naming commits): where a model id such as <c>org/name</c> or <c>org/name@rev</c> is looked up.
/// ReefCluster never downloads: a model not in the cache is an error that says how to get it there. The cache is read as a scan
/// reads a hub, a stranger's folder: a snapshot, a ref or a file that links out of the cache is refused, and nothing read from
/// a file is echoed.
/// </summary>
public static partial class HfCache
{
    /// <summary><c>org/name</c>, then optionally <c>@revision</c> (the scan's ids add <c>/file.gguf</c>), or <c>:file.gguf</c>.</summary>
    [GeneratedRegex(@"^(?<repo>[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(@(?<revision>[A-Za-z0-9._-]+)(/(?<file>[A-Za-z0-9._-]+\.gguf))?)?(:(?<named>[A-Za-z0-9._-]+\.gguf))?$")]
    private static partial Regex ModelId();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    /// <summary>$HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub — huggingface_hub's own order.</summary>
    public static string DefaultDirectory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("HF_HUB_CACHE") is { Length: > 0 } cache) return cache;
        var home = environment("HF_HOME") is { Length: > 0 } h ? h
            : Path.Combine(environment("XDG_CACHE_HOME") is { Length: > 0 } x ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");
        return Path.Combine(home, "hub");
    }

    /// <summary>Whether <paramref name="text"/> reads as a model id (<c>org/name</c>, optionally <c>@rev</c>, a GGUF file) rather than a path.</summary>
    public static bool IsModelId(string text) =>
        ModelId().IsMatch(text) && !text.Contains("..", StringComparison.Ordinal) && !File.Exists(text) && !Directory.Exists(text);

    /// <summary>
    /// What <paramref name="id"/> names in <paramref name="cacheDirectory"/> (default <see cref="DefaultDirectory"/>): the snapshot
    /// folder of <c>org/name[@rev]</c> (rev a branch or tag the cache has a ref for, or a commit; default main) when it holds a
    /// config.json, else its one GGUF file; a GGUF file named by <c>org/name[@rev]:file.gguf</c>, or by the id a scan gives it,
    /// <c>org/name@rev/file.gguf</c>.
    /// </summary>
    public static string Resolve(string id, string? cacheDirectory = null)
    {
        var cache = Path.GetFullPath(cacheDirectory ?? DefaultDirectory());
        var match = ModelId().Match(id);
        if (!match.Success || id.Contains("..", StringComparison.Ordinal))
            throw new InvalidInputException(id, "is not a model id (org/name, org/name@revision, org/name:file.gguf)");
        var repo = match.Groups["repo"].Value;
        var revision = match.Groups["revision"].Success ? match.Groups["revision"].Value : "main";
        var file = match.Groups["file"].Success ? match.Groups["file"].Value : match.Groups["named"].Success ? match.Groups["named"].Value : null;
        if (match.Groups["file"].Success && match.Groups["named"].Success)
            throw new InvalidInputException(id, "names a GGUF file twice");
        var folder = Path.Combine(cache, "models--" + repo.Replace("/", "--"));
        var how = $"ReefCluster reads the Hugging Face cache at {cache} ($HF_HUB_CACHE, $HF_HOME) and downloads nothing; " +
                  $"fetch it first (huggingface-cli download {repo}{(match.Groups["revision"].Success ? " --revision " + revision : "")})";
        if (!Directory.Exists(folder)) throw new InvalidInputException(id, $"is not in the Hugging Face cache: {how}");
        // The cache's own links (snapshot files into blobs/) stay inside it; anything that leads out is a stranger's.
        var root = FileSystemProbe.Resolve(cache) ?? cache;
        Inside(folder, root);
        var commit = revision;
        var reference = Path.Combine(folder, "refs", revision);
        if (File.Exists(reference))
        {
            Inside(reference, root);
            // A ref file holds one commit hash; anything else is not trusted as a folder name, nor shown.
            commit = InputFiles.ReadAllText(reference, "cache ref", 1024).Trim();
            if (!CommitHash().IsMatch(commit)) throw new InvalidInputException(reference, "does not hold a commit hash (40 hexadecimal digits)");
        }
        var snapshots = Path.Combine(folder, "snapshots");
        var snapshot = Path.Combine(snapshots, commit);
        if (!Directory.Exists(snapshot))
        {
            var cached = Directory.Exists(snapshots) ? Directory.GetDirectories(snapshots).Select(Path.GetFileName).Order().ToList() : [];
            throw new InvalidInputException(id, $"revision '{revision}' is not in the Hugging Face cache (cached: {(cached.Count == 0 ? "none" : string.Join(", ", cached))}): {how}");
        }
        Inside(snapshot, root);
        if (HubDiscovery.LinksOut(snapshot, root) is { } problem) throw new InvalidInputException(snapshot, problem.Replace("the hub", "the Hugging Face cache"));
        if (file != null)
        {
            var named = Path.Combine(snapshot, file);
            return File.Exists(named) ? named : throw new InvalidInputException(id, $"revision '{revision}' has no file {file} (it has {Listing(snapshot)})");
        }
        if (File.Exists(Path.Combine(snapshot, "config.json"))) return snapshot;
        var ggufs = Directory.GetFiles(snapshot, "*.gguf").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return ggufs.Count switch
        {
            1 => Path.Combine(snapshot, ggufs[0]!),
            0 => throw new InvalidInputException(id, $"revision '{revision}' holds neither a config.json nor a GGUF file (it has {Listing(snapshot)})"),
            _ => throw new InvalidInputException(id, $"revision '{revision}' holds {ggufs.Count} GGUF files ({string.Join(", ", ggufs.Take(8))}): name one, as {repo}:{ggufs[0]}"),
        };
    }

    /// <summary>Refuses <paramref name="path"/> when it, or a link on the way, leads out of the cache <paramref name="root"/>.</summary>
    static void Inside(string path, string root)
    {
        var target = FileSystemProbe.Resolve(path);
        if (target != null && !FileSystemProbe.IsWithin(target, root))
            throw new InvalidInputException(path, $"links outside the Hugging Face cache, to {target}; the cache is read as a scan reads a hub, and nothing in it may lead out");
    }

    static string Listing(string folder)
    {
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "no files" : string.Join(", ", names.Take(8)) + (names.Count > 8 ? ", …" : "");
    }
}
