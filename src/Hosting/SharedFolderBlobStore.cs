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

    /// <summary>
    /// Every silo's metrics ask for the store's size every few seconds; a walk of a shared folder holding 10⁵ models'
    /// files is not a thing to repeat that often, so the size is walked at most every <see cref="SizeWalkEvery"/>.
    /// </summary>
    public async Task<long> GetStoredBytesAsync()
    {
        if (DateTime.UtcNow - _sizeAt >= SizeWalkEvery)
        {
            _size = await values.GetStoredBytesAsync();
            _sizeAt = DateTime.UtcNow;
        }
        return _size;
    }

    static readonly TimeSpan SizeWalkEvery = TimeSpan.FromMinutes(5);
    long _size;
    DateTime _sizeAt = DateTime.MinValue;
}
