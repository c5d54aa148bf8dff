using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Reef.Engine.Weights;

/// <summary>
/// A weight signature as the store keeps it: "REEFWS\0\0", u32 format version, u32 layer count, the 256 byte tokens'
/// presence (one byte each), the invariants as little-endian float32 [layer, kind, 256, 256], and a SHA-256 of
/// everything before it. Reading checks the checksum and the size before trusting a field.
/// </summary>
public static class WeightSignatureFile
{
    /// <summary>Current format version; readers refuse others.</summary>
    public const int FormatVersion = 1;

    static readonly byte[] Magic = "REEFWS\0\0"u8.ToArray();
    const int HeaderBytes = 16 + ByteAnchors.Count;
    const int BlockFloats = ByteAnchors.Count * ByteAnchors.Count;

    public static byte[] ToBytes(WeightSignature signature)
    {
        var payload = MemoryMarshal.AsBytes(signature.Invariants.AsSpan());
        var bytes = new byte[HeaderBytes + payload.Length + 32];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), signature.Layers);
        for (var b = 0; b < ByteAnchors.Count; b++) bytes[16 + b] = signature.Present[b] ? (byte)1 : (byte)0;
        payload.CopyTo(bytes.AsSpan(HeaderBytes));
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }

    /// <summary>Reads and verifies a stored signature; <paramref name="source"/> names it in errors.</summary>
    public static WeightSignature FromBytes(byte[] bytes, string source)
    {
        var layers = Check(bytes, source);
        var body = bytes.AsSpan(0, bytes.Length - 32);
        return new WeightSignature
        {
            Layers = layers,
            Present = bytes.AsSpan(16, ByteAnchors.Count).ToArray().Select(b => b != 0).ToArray(),
            Invariants = MemoryMarshal.Cast<byte, float>(body[HeaderBytes..]).ToArray(),
        };
    }

    /// <summary>Everything <see cref="FromBytes"/> checks (magic, version, checksum, size), in place; returns the layer count.</summary>
    public static int Check(byte[] bytes, string source)
    {
        if (bytes.Length < HeaderBytes + 32 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidInputException(source, "not a weight signature (bad magic)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw new InvalidInputException(source, $"weight signature format version {version}; this engine reads version {FormatVersion}");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidInputException(source, "checksum mismatch: the weight signature is corrupt or truncated");
        var layers = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        var expected = layers < 1 ? -1 : (long)layers * WeightSignature.Kinds * BlockFloats * sizeof(float);
        if (expected != body.Length - HeaderBytes)
            throw new InvalidInputException(source, $"payload is {body.Length - HeaderBytes} bytes, which is not {layers} layers of invariants");
        return layers;
    }
}
