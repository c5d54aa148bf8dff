using Reef.Engine.Store;
using StackExchange.Redis;

namespace Reef.Silo;

/// <summary>The cluster's store: fingerprints, probe sets and tiles as Redis strings under "reef:blob:", counters under "reef:count:".</summary>
public sealed class RedisBlobStore(IConnectionMultiplexer redis) : IBlobStore
{
    IDatabase Db => redis.GetDatabase();

    public async Task<byte[]?> GetAsync(string key) => (byte[]?)await Db.StringGetAsync("reef:blob:" + key);

    public Task PutAsync(string key, byte[] value) => Db.StringSetAsync("reef:blob:" + key, value);

    public Task<bool> ContainsAsync(string key) => Db.KeyExistsAsync("reef:blob:" + key);

    public Task<long> IncrementAsync(string counter) => Db.StringIncrementAsync("reef:count:" + counter);

    public async Task<long> GetCounterAsync(string counter) => (long?)await Db.StringGetAsync("reef:count:" + counter) ?? 0;
}
