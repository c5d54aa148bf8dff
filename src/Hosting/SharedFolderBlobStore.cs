using Reef.Engine.Store;

namespace Reef.Hosting;

/// <summary>
/// The cluster's store for a hub too large for Redis' memory: values (fingerprints, weight signatures, sketches, tiles)
/// as files in a folder every silo and the client mount (a ReadWriteMany volume, NFS, a bucket mounted as a filesystem),
/// written atomically (temporary file, then rename); counters, claims on work and the coordination that must be atomic
/// across machines stay in Redis. 10⁵ models keep about 130 GB of fingerprints (1.3 MB each at n = 200, L = 32): disk,
/// not memory.
/// </summary>
/// <param name="values">The folder's store (its values; its own counters and claims are not used).</param>
/// <param name="coordination">Redis, for counters and claims.</param>
public sealed class SharedFolderBlobStore(FolderBlobStore values, IBlobStore coordination) : IBlobStore
{
    public Task<byte[]?> GetAsync(string key) => values.GetAsync(key);

    public Task PutAsync(string key, byte[] value) => values.PutAsync(key, value);

    public Task<bool> ContainsAsync(string key) => values.ContainsAsync(key);

    public Task DeleteAsync(string key) => values.DeleteAsync(key);

    public Task<long> IncrementAsync(string counter) => coordination.IncrementAsync(counter);

    public Task<long> GetCounterAsync(string counter) => coordination.GetCounterAsync(counter);

    public Task<bool> ClaimAsync(string key, string owner, TimeSpan lease) => coordination.ClaimAsync(key, owner, lease);

    public Task ReleaseClaimAsync(string key, string owner) => coordination.ReleaseClaimAsync(key, owner);

    public Task<long> GetStoredBytesAsync() => values.GetStoredBytesAsync();
}
