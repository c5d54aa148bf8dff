namespace Reef.Engine.Store;

/// <summary>
/// The embedded mode's store: one file per key under a folder (keys' '/' become sub-folders). Writes go to a
/// temporary file and are renamed into place, so a crash never leaves a partial value.
/// </summary>
public sealed class FolderBlobStore : IBlobStore
{
    readonly string _root;
    readonly Lock _counters = new();

    public FolderBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public async Task<byte[]?> GetAsync(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path) : null;
    }

    public async Task PutAsync(string key, byte[] value)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        await File.WriteAllBytesAsync(temporary, value);
        File.Move(temporary, path, overwrite: true);
    }

    public Task<bool> ContainsAsync(string key) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public Task<long> IncrementAsync(string counter)
    {
        lock (_counters)
        {
            var path = PathOf("counters/" + counter);
            var value = ReadCounter(path) + 1;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, value.ToString());
            return Task.FromResult(value);
        }
    }

    public Task<long> GetCounterAsync(string counter)
    {
        lock (_counters) return Task.FromResult(ReadCounter(PathOf("counters/" + counter)));
    }

    public Task<bool> ClaimAsync(string key, string owner, TimeSpan lease)
    {
        // One silo per state folder, so a lock in this process is enough; the file keeps claims readable for debugging.
        lock (_counters)
        {
            var path = PathOf("claims/" + key);
            var now = DateTime.UtcNow;
            if (File.Exists(path) && File.ReadAllText(path).Split('\n') is [var holder, var until] && holder != owner &&
                long.TryParse(until, out var ticks) && ticks > now.Ticks)
                return Task.FromResult(false);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, owner + "\n" + (now + lease).Ticks);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseClaimAsync(string key, string owner)
    {
        lock (_counters)
        {
            var path = PathOf("claims/" + key);
            if (File.Exists(path) && File.ReadAllText(path).Split('\n') is [var holder, _] && holder == owner) File.Delete(path);
            return Task.CompletedTask;
        }
    }

    public Task<long> GetStoredBytesAsync()
    {
        var bookkeeping = new[] { "counters", "claims" }.Select(d => Path.Combine(_root, d) + Path.DirectorySeparatorChar).ToList();
        var total = new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => !bookkeeping.Any(b => f.FullName.StartsWith(b, StringComparison.Ordinal)) && !f.Name.Contains(".tmp-"))
            .Sum(f => f.Length);
        return Task.FromResult(total);
    }

    static long ReadCounter(string path) => File.Exists(path) && long.TryParse(File.ReadAllText(path), out var v) ? v : 0;

    string PathOf(string key)
    {
        if (key.Length == 0 || key.Split('/').Any(part => part is "" or "." or ".." || part.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
            throw new ArgumentException($"store key '{key}' is not a relative name");
        return Path.Combine(_root, key);
    }
}
