using System.Security.Cryptography;

namespace Reef.Engine.Store;

/// <summary>
/// The checksum every stored binary ends with: a SHA-256 of everything before it, so that a truncated or corrupt blob is
/// refused before any of its fields is trusted.
/// </summary>
public static class SealedBytes
{
    public const int ChecksumBytes = 32;

    /// <summary>Writes the checksum of <paramref name="bytes"/> less its last 32 bytes into those bytes.</summary>
    public static byte[] Seal(byte[] bytes)
    {
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumBytes), bytes.AsSpan(bytes.Length - ChecksumBytes));
        return bytes;
    }

    /// <summary>The body (everything before the checksum) when the checksum holds; else throws naming <paramref name="source"/> and <paramref name="what"/>.</summary>
    public static ReadOnlySpan<byte> Verify(byte[] bytes, string source, string what)
    {
        if (bytes.Length < ChecksumBytes) throw new InvalidInputException(source, $"too short to be {what}");
        var body = bytes.AsSpan(0, bytes.Length - ChecksumBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumBytes)))
            throw new InvalidInputException(source, $"checksum mismatch: the {what} is corrupt or truncated");
        return body;
    }
}
