using Reef.Engine.Store;
using StackExchange.Redis;

namespace Reef.Hosting;

/// <summary>
/// The cluster's store: fingerprints, probe sets and tiles as Redis strings under "reef:blob:", counters under
/// "reef:count:", claims on work under "reef:claim:", and the values' total size under "reef:bytes".
/// </summary>
public sealed class RedisBlobStore(IConnectionMultiplexer redis) : IBlobStore
{
    const string Blob = "reef:blob:";
    const string Bytes = "reef:bytes";

    // Replaces the value and moves the size total by the difference in one step, so two silos storing the same
    // key (a tile recomputed after a silo died) never count it twice.
    const string PutScript = """
        local old = redis.call('STRLEN', KEYS[1])
        redis.call('SET', KEYS[1], ARGV[1])
        return redis.call('INCRBY', KEYS[2], string.len(ARGV[1]) - old)
        """;

    // Removes the value and moves the size total down by its length in one step.
    const string DeleteScript = """
        local old = redis.call('STRLEN', KEYS[1])
        if old > 0 then redis.call('DEL', KEYS[1]); redis.call('DECRBY', KEYS[2], old) end
        return old
        """;

    // Gives the claim up only when the caller holds it.
    const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // Takes the claim when it is free or already the caller's (a renewal), atomically.
    const string ClaimScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    IDatabase Db => redis.GetDatabase();

    public async Task<byte[]?> GetAsync(string key) => await Call("get", async () => (byte[]?)await Db.StringGetAsync(Blob + key));

    public Task PutAsync(string key, byte[] value) => Call("put", () => Db.ScriptEvaluateAsync(PutScript, [Blob + key, Bytes], [value]));

    public Task<bool> ContainsAsync(string key) => Call("contains", () => Db.KeyExistsAsync(Blob + key));

    public Task DeleteAsync(string key) => Call("delete", () => Db.ScriptEvaluateAsync(DeleteScript, [Blob + key, Bytes]));

    public Task<long> IncrementAsync(string counter) => Call("increment", () => Db.StringIncrementAsync("reef:count:" + counter));

    public Task<long> GetCounterAsync(string counter) => Call("counter", async () => (long?)await Db.StringGetAsync("reef:count:" + counter) ?? 0);

    public Task<bool> ClaimAsync(string key, string owner, TimeSpan lease) =>
        Call("claim", async () => (long)await Db.ScriptEvaluateAsync(ClaimScript, ["reef:claim:" + key], [owner, (long)lease.TotalMilliseconds]) == 1);

    public Task ReleaseClaimAsync(string key, string owner) => Call("release", () => Db.ScriptEvaluateAsync(ReleaseScript, ["reef:claim:" + key], [owner]));

    public Task<long> GetStoredBytesAsync() => Call("size", async () => (long?)await Db.StringGetAsync(Bytes) ?? 0);

    /// <summary>Redis' connection and timeout errors as what they are to the caller: the store is unavailable for now.</summary>
    static async Task<T> Call<T>(string operation, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (Exception e) when (e is RedisException or TimeoutException) { throw new StoreUnavailableException(operation, e); }
    }
}
