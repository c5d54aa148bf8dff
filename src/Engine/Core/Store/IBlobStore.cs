namespace Reef.Engine.Store;

/// <summary>
/// Bytes by key: fingerprints, probe sets and finished matrix tiles, which are megabytes and so stay out of
/// grain state and messages. A local folder in embedded mode, Redis in cluster mode. Values under one key
/// never change (keys name content), so a reader never sees a half-written value.
/// </summary>
public interface IBlobStore
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    Task<byte[]?> GetAsync(string key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    Task PutAsync(string key, byte[] value);

    /// <summary>Whether <paramref name="key"/> holds a value.</summary>
    Task<bool> ContainsAsync(string key);

    /// <summary>Removes the value under <paramref name="key"/> (a corrupt one, so that it is made again); nothing when there is none.</summary>
    Task DeleteAsync(string key);

    /// <summary>Adds one to the counter <paramref name="counter"/> and returns its new value.</summary>
    Task<long> IncrementAsync(string counter);

    /// <summary>The counter's value (0 if never incremented).</summary>
    Task<long> GetCounterAsync(string counter);

    /// <summary>
    /// Claims the work of producing <paramref name="key"/> for <paramref name="owner"/> for <paramref name="lease"/>:
    /// true when no one else holds an unexpired claim (the owner's own claim is renewed). Keeps two workers from
    /// producing the same value at once.
    /// </summary>
    Task<bool> ClaimAsync(string key, string owner, TimeSpan lease);

    /// <summary>Gives up <paramref name="owner"/>'s claim on <paramref name="key"/> (its work failed), so another may take it at once.</summary>
    Task ReleaseClaimAsync(string key, string owner);

    /// <summary>The total size of the stored values, in bytes (counters not included).</summary>
    Task<long> GetStoredBytesAsync();
}
