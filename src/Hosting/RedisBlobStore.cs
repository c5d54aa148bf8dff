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

    // Takes the claim when it is free or already the caller's (a renewal), atomically.
    const string ClaimScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    IDatabase Db => redis.GetDatabase();

    public async Task<byte[]?> GetAsync(string key) => (byte[]?)await Db.StringGetAsync(Blob + key);

    public Task PutAsync(string key, byte[] value) => Db.ScriptEvaluateAsync(PutScript, [Blob + key, Bytes], [value]);

    public Task<bool> ContainsAsync(string key) => Db.KeyExistsAsync(Blob + key);

    public Task<long> IncrementAsync(string counter) => Db.StringIncrementAsync("reef:count:" + counter);

    public async Task<long> GetCounterAsync(string counter) => (long?)await Db.StringGetAsync("reef:count:" + counter) ?? 0;

    public async Task<bool> ClaimAsync(string key, string owner, TimeSpan lease) =>
        (long)await Db.ScriptEvaluateAsync(ClaimScript, ["reef:claim:" + key], [owner, (long)lease.TotalMilliseconds]) == 1;

    public async Task<long> GetStoredBytesAsync() => (long?)await Db.StringGetAsync(Bytes) ?? 0;
}
