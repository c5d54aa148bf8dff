using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Reef.Engine.Store;

namespace Reef.Engine.Weights;

/// <summary>
/// <see cref="WeightEvidence"/> as the store keeps it: "REEFWE\0\0", u32 format version, u32 layer count, then little-endian
/// int32 shapes [layer, kind, 2], float32 zero fractions, levels per row, distinct fractions, small fractions and norms
/// [layer, kind] each, float32 sketches [layer, kind, 256], and a SHA-256 of everything before it
/// (<see cref="SealedBytes"/>). Reading checks the checksum and the size before trusting a field.
/// </summary>
public static class WeightEvidenceFile
{
    /// <summary>Current format version; readers refuse others.</summary>
    public const int FormatVersion = 1;

    /// <summary>More layers than any model has: a header claiming more is refused before any size is computed from it.</summary>
    const int MaxLayers = 100_000;

    static readonly byte[] Magic = "REEFWE\0\0"u8.ToArray();
    const int HeaderBytes = 16;
    const int Statistics = 5;

    static long PayloadBytes(int layers)
    {
        long cells = (long)layers * WeightEvidence.Kinds;
        return (2 * cells + Statistics * cells + cells * WeightEvidence.SketchCells) * 4;
    }

    public static byte[] ToBytes(WeightEvidence evidence)
    {
        var bytes = new byte[HeaderBytes + PayloadBytes(evidence.Layers) + SealedBytes.ChecksumBytes];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), evidence.Layers);
        var at = HeaderBytes;
        void Put(ReadOnlySpan<byte> part)
        {
            part.CopyTo(bytes.AsSpan(at));
            at += part.Length;
        }
        Put(MemoryMarshal.AsBytes(evidence.Shapes.AsSpan()));
        foreach (var values in Columns(evidence)) Put(MemoryMarshal.AsBytes(values.AsSpan()));
        Put(MemoryMarshal.AsBytes(evidence.Sketch.AsSpan()));
        return SealedBytes.Seal(bytes);
    }

    /// <summary>Reads and verifies stored evidence; <paramref name="source"/> names it in errors.</summary>
    public static WeightEvidence FromBytes(byte[] bytes, string source)
    {
        var layers = Check(bytes, source);
        var cells = layers * WeightEvidence.Kinds;
        var at = HeaderBytes;
        T[] Take<T>(int count) where T : struct
        {
            var values = MemoryMarshal.Cast<byte, T>(bytes.AsSpan(at, count * 4)).ToArray();
            at += count * 4;
            return values;
        }
        var shapes = Take<int>(2 * cells);
        if (shapes.Any(s => s < 0)) throw new InvalidInputException(source, "weight evidence holds a negative shape");
        return new WeightEvidence
        {
            Layers = layers, Shapes = shapes, ZeroFraction = Take<float>(cells), LevelsPerRow = Take<float>(cells), DistinctFraction = Take<float>(cells),
            SmallFraction = Take<float>(cells), Norms = Take<float>(cells), Sketch = Take<float>(cells * WeightEvidence.SketchCells),
        };
    }

    /// <summary>Everything <see cref="FromBytes"/> checks of the layout (magic, version, checksum, size), in place; returns the layer count.</summary>
    public static int Check(byte[] bytes, string source)
    {
        if (bytes.Length < HeaderBytes + SealedBytes.ChecksumBytes || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidInputException(source, "not weight evidence (bad magic)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw new InvalidInputException(source, $"weight evidence format version {version}; this engine reads version {FormatVersion}");
        var body = SealedBytes.Verify(bytes, source, "weight evidence");
        var layers = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (layers is < 1 or > MaxLayers || PayloadBytes(layers) != body.Length - HeaderBytes)
            throw new InvalidInputException(source, $"payload is {body.Length - HeaderBytes} bytes, which is not {layers} layers of weight evidence");
        return layers;
    }

    /// <summary>The per-projection statistics, in the order the file keeps them.</summary>
    static float[][] Columns(WeightEvidence e) => [e.ZeroFraction, e.LevelsPerRow, e.DistinctFraction, e.SmallFraction, e.Norms];
}
