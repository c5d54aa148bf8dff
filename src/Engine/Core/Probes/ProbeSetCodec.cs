using System.Text.Json;

namespace Reef.Engine.Probes;

/// <summary>
/// A probe set as bytes, so that silos fingerprint with exactly the client's probes whatever files they can see.
/// Decoding recomputes the hash, which is the set's key in the store: a stored set that does not match its key is caught.
/// </summary>
public static class ProbeSetCodec
{
    /// <summary>The layout this engine writes; sets stored before it was written down (0) have the same layout.</summary>
    public const int FormatVersion = 1;

    sealed record Stored(string Name, IReadOnlyList<Probe> Probes, int FormatVersion = 0);

    public static byte[] Encode(ProbeSet set) => JsonSerializer.SerializeToUtf8Bytes(new Stored(set.Name, set.Probes, FormatVersion));

    public static ProbeSet Decode(byte[] bytes, string source)
    {
        Stored stored;
        try { stored = JsonSerializer.Deserialize<Stored>(bytes) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new InvalidInputException(source, $"stored probe set is not valid ({e.Message})"); }
        if (stored.FormatVersion > FormatVersion)
            throw new InvalidInputException(source, $"stored probe set has format version {stored.FormatVersion}; this engine reads version {FormatVersion}");
        if (stored.Probes is not { Count: > 0 }) throw new InvalidInputException(source, "stored probe set holds no statements");
        return new ProbeSet(stored.Name, stored.Probes);
    }
}
