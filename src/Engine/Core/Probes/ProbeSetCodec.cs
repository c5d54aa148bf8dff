using System.Text.Json;

namespace Reef.Engine.Probes;

/// <summary>
/// A probe set as bytes, so that silos fingerprint with exactly the client's probes whatever files they can see.
/// Decoding recomputes the hash, so a stored set that does not match its key is caught.
/// </summary>
public static class ProbeSetCodec
{
    sealed record Stored(string Name, IReadOnlyList<Probe> Probes);

    public static byte[] Encode(ProbeSet set) => JsonSerializer.SerializeToUtf8Bytes(new Stored(set.Name, set.Probes));

    public static ProbeSet Decode(byte[] bytes, string source)
    {
        Stored stored;
        try { stored = JsonSerializer.Deserialize<Stored>(bytes) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new InvalidInputException(source, $"stored probe set is not valid ({e.Message})"); }
        return new ProbeSet(stored.Name, stored.Probes);
    }
}
