using System.Security.Cryptography;
using System.Text;

namespace Reef.Engine.Hubs;

/// <summary>
/// A cheap "has this checkpoint changed?" test for re-scans: the names, sizes and modification times of the
/// folder's files (links followed, as in the Hugging Face cache). Equal signatures skip the content hash;
/// different ones send the model back through hashing, where unchanged content still finds its fingerprint.
/// </summary>
public static class FolderSignature
{
    /// <summary>The signature of a checkpoint folder, or of a single-file model (GGUF).</summary>
    public static string Of(string folder)
    {
        var text = new StringBuilder();
        IEnumerable<string> files = File.Exists(folder) ? [folder] : Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var info = new FileInfo(path);
            // Links resolved by the file system (a link loop resolves to nothing rather than throwing).
            var resolved = info.LinkTarget != null ? FileSystemProbe.Resolve(path) : path;
            var target = resolved != null ? new FileInfo(resolved) : null;
            if (target is not { Exists: true }) { text.Append($"{info.Name}\tmissing\n"); continue; }
            text.Append($"{info.Name}\t{target.Length}\t{target.LastWriteTimeUtc.Ticks}\n");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
