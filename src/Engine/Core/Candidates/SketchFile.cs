using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Reef.Engine.Candidates;

/// <summary>Which signal a sketch summarizes.</summary>
public enum SketchKind
{
    /// <summary><see cref="ReefSketch"/>: of a fingerprint.</summary>
    Reef = 1,
    /// <summary><see cref="WeightSketch"/>: of a weight signature.</summary>
    Weights = 2,
}

/// <summary>
/// A sketch as the store keeps it: "REEFSK\0\0", u32 format version, u32 kind, u32 the sketch method's version, u32
/// length, the values as little-endian float32, and a SHA-256 of everything before it. A few kilobytes, so a registry
/// can read every model's sketches where it could never read their fingerprints.
/// </summary>
public static class SketchFile
{
    public const int FormatVersion = 1;
    static readonly byte[] Magic = "REEFSK\0\0"u8.ToArray();
    const int HeaderBytes = 24;

    public static int MethodVersion(SketchKind kind) => kind == SketchKind.Reef ? ReefSketch.Version : WeightSketch.Version;

    /// <summary>The length a sketch of <paramref name="kind"/> has: an index takes no other.</summary>
    public static int Dimensions(SketchKind kind) => kind == SketchKind.Reef ? ReefSketch.Dimensions : WeightSketch.Dimensions;

    public static byte[] ToBytes(SketchKind kind, float[] sketch)
    {
        var bytes = new byte[HeaderBytes + sketch.Length * sizeof(float) + 32];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), (int)kind);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), MethodVersion(kind));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), sketch.Length);
        MemoryMarshal.AsBytes(sketch.AsSpan()).CopyTo(bytes.AsSpan(HeaderBytes));
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }

    /// <summary>Reads and verifies a stored sketch of <paramref name="kind"/>; <paramref name="source"/> names it in errors.</summary>
    public static float[] FromBytes(byte[] bytes, SketchKind kind, string source)
    {
        if (bytes.Length < HeaderBytes + 32 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidInputException(source, "not a sketch (bad magic)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion) throw new InvalidInputException(source, $"sketch format version {version}; this engine reads version {FormatVersion}");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidInputException(source, "checksum mismatch: the sketch is corrupt or truncated");
        var storedKind = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (storedKind != (int)kind) throw new InvalidInputException(source, $"a sketch of kind {storedKind}, not {kind}");
        var method = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
        if (method != MethodVersion(kind)) throw new InvalidInputException(source, $"{kind} sketch method {method}; this engine makes version {MethodVersion(kind)}");
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20));
        if (length != Dimensions(kind) || (long)length * sizeof(float) != body.Length - HeaderBytes)
            throw new InvalidInputException(source, $"claims {length} values in {body.Length - HeaderBytes} bytes; a {kind} sketch has {Dimensions(kind)}");
        var values = MemoryMarshal.Cast<byte, float>(body[HeaderBytes..]).ToArray();
        if (values.Any(v => !float.IsFinite(v))) throw new InvalidInputException(source, "holds a value that is not finite");
        return values;
    }
}
