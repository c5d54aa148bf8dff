using System.Text.RegularExpressions;

namespace Reef.Engine.Hubs;

/// <summary>
/// Hugging Face's local model cache, in huggingface_hub's layout (<c>models--org--name/snapshots/COMMIT/</c>, with
/// <c>refs/BRANCH</c> files naming commits): where a model id such as <c>org/name</c> or <c>org/name@rev</c> is looked up.
/// ReefCluster never downloads: a model not in the cache is an error that says how to get it there.
/// </summary>
public static partial class HfCache
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9._/-]+)?$")]
    private static partial Regex ModelId();

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

    /// <summary>Whether <paramref name="text"/> reads as a model id (<c>org/name</c>, optionally <c>@rev</c>) rather than a path.</summary>
    public static bool IsModelId(string text) =>
        ModelId().IsMatch(text) && !text.Contains("..", StringComparison.Ordinal) && !File.Exists(text) && !Directory.Exists(text);

    /// <summary>
    /// The snapshot folder of <paramref name="id"/> (<c>org/name[@rev]</c>; rev a branch or tag the cache has a ref for, or
    /// a commit; default main) in <paramref name="cacheDirectory"/> (default <see cref="DefaultDirectory"/>).
    /// </summary>
    public static string Resolve(string id, string? cacheDirectory = null)
    {
        var cache = cacheDirectory ?? DefaultDirectory();
        if (!ModelId().IsMatch(id) || id.Contains("..", StringComparison.Ordinal))
            throw new InvalidInputException(id, "is not a model id (org/name or org/name@revision)");
        var at = id.IndexOf('@');
        var (repo, revision) = at < 0 ? (id, "main") : (id[..at], id[(at + 1)..]);
        var folder = Path.Combine(cache, "models--" + repo.Replace("/", "--"));
        var how = $"ReefCluster reads the Hugging Face cache at {cache} ($HF_HUB_CACHE, $HF_HOME) and downloads nothing; " +
                  $"fetch it first (huggingface-cli download {repo}{(at < 0 ? "" : " --revision " + revision)})";
        if (!Directory.Exists(folder)) throw new InvalidInputException(id, $"is not in the Hugging Face cache: {how}");
        var snapshots = Path.Combine(folder, "snapshots");
        var commit = revision;
        var reference = Path.Combine(folder, "refs", revision);
        if (File.Exists(reference))
        {
            // A ref file holds one commit hash; anything else is not trusted as a folder name.
            commit = InputFiles.ReadAllText(reference, "cache ref", 1024).Trim();
            if (!Regex.IsMatch(commit, "^[0-9a-f]{40}$"))
                throw new InvalidInputException(reference, $"does not hold a commit hash (it holds '{(commit.Length > 60 ? commit[..60] + "…" : commit)}')");
        }
        var snapshot = Path.Combine(snapshots, commit);
        if (!Directory.Exists(snapshot) || commit.Contains('/'))
        {
            var cached = Directory.Exists(snapshots) ? Directory.GetDirectories(snapshots).Select(Path.GetFileName).Order().ToList() : [];
            throw new InvalidInputException(id, $"revision '{revision}' is not in the Hugging Face cache (cached: {(cached.Count == 0 ? "none" : string.Join(", ", cached))}): {how}");
        }
        return snapshot;
    }
}
