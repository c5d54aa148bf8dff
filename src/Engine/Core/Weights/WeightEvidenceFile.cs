using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Reef.Engine.Store;

namespace Reef.Engine.Weights;

/// <summary>
/// <see cref="WeightEvidence"/> as the store keeps it: "REEFWE\0\0", u32 format version, u32 layer count, then little-endian
/// int32 shapes [layer, kind, 2], float32 zero fractions, levels per row, distinct fractions, small fractions and norms
/// [layer, kind] each, float32 sketches [layer, kind, 256]; then the aligned weights: int32 0 (none) or 1 followed by int32
/// hidden size d, rank r, kept layers k, present [256] (0 or 1), layer indices [k], float32 anchors [256, d] and factors
/// [k, 2, d, r]; and a SHA-256 of everything before it (<see cref="SealedBytes"/>). Reading checks the checksum and every
/// size before trusting a field.
/// </summary>
public static class WeightEvidenceFile
{
    /// <summary>Current format version; readers refuse others.</summary>
    public const int FormatVersion = 2;

    /// <summary>More layers than any model has: a header claiming more is refused before any size is computed from it.</summary>
    const int MaxLayers = 100_000;

    static readonly byte[] Magic = "REEFWE\0\0"u8.ToArray();
    const int HeaderBytes = 16;
    const int Statistics = 5;
    // Largest hidden size the aligned part may claim: above any model's, small enough that its sizes cannot overflow.
    const int MaxHidden = 1 << 17;
    const int AlignedHeader = 4;

    static long StatisticsBytes(int layers)
    {
        long cells = (long)layers * WeightEvidence.Kinds;
        return (2 * cells + Statistics * cells + cells * WeightEvidence.SketchCells) * 4;
    }

    static long AlignedBytes(int hidden, int rank, int kept) =>
        4L * (AlignedHeader + ByteAnchors.Count + kept + (long)ByteAnchors.Count * hidden + (long)kept * AlignedWeights.Kinds * hidden * rank);

    static long AlignedBytes(AlignedWeights? a) => a == null ? 4 : AlignedBytes(a.Hidden, a.Rank, a.KeptLayers);

    public static byte[] ToBytes(WeightEvidence evidence)
    {
        var bytes = new byte[HeaderBytes + StatisticsBytes(evidence.Layers) + AlignedBytes(evidence.Aligned) + SealedBytes.ChecksumBytes];
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
        if (evidence.Aligned is not { } a) Put(MemoryMarshal.AsBytes(new[] { 0 }.AsSpan()));
        else
        {
            Put(MemoryMarshal.AsBytes(new[] { 1, a.Hidden, a.Rank, a.KeptLayers }.AsSpan()));
            Put(MemoryMarshal.AsBytes(a.Present.Select(p => p ? 1 : 0).ToArray().AsSpan()));
            Put(MemoryMarshal.AsBytes(a.LayerIndices.AsSpan()));
            Put(MemoryMarshal.AsBytes(a.Anchors.AsSpan()));
            Put(MemoryMarshal.AsBytes(a.Factors.AsSpan()));
        }
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
        var evidence = new WeightEvidence
        {
            Layers = layers, Shapes = shapes, ZeroFraction = Take<float>(cells), LevelsPerRow = Take<float>(cells), DistinctFraction = Take<float>(cells),
            SmallFraction = Take<float>(cells), Norms = Take<float>(cells), Sketch = Take<float>(cells * WeightEvidence.SketchCells),
        };
        var header = Take<int>(1)[0] == 0 ? null : Take<int>(AlignedHeader - 1);
        if (header is not [var hidden, var rank, var kept]) return evidence;
        var present = Take<int>(ByteAnchors.Count);
        var indices = Take<int>(kept);
        if (present.Any(p => p is not (0 or 1)))
            throw new InvalidInputException(source, "aligned weights mark a byte token present with something other than 0 or 1");
        if (indices.Where((l, i) => l < 0 || l >= layers || (i > 0 && l <= indices[i - 1])).Any())
            throw new InvalidInputException(source, $"aligned weights' layer indices are not increasing within 0..{layers - 1}");
        return new WeightEvidence
        {
            Layers = evidence.Layers, Shapes = evidence.Shapes, ZeroFraction = evidence.ZeroFraction, LevelsPerRow = evidence.LevelsPerRow,
            DistinctFraction = evidence.DistinctFraction, SmallFraction = evidence.SmallFraction, Norms = evidence.Norms, Sketch = evidence.Sketch,
            Aligned = new AlignedWeights
            {
                Hidden = hidden, Rank = rank, Present = present.Select(p => p == 1).ToArray(), LayerIndices = indices,
                Anchors = Take<float>(ByteAnchors.Count * hidden), Factors = Take<float>(kept * AlignedWeights.Kinds * hidden * rank),
            },
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
        var statistics = layers is < 1 or > MaxLayers ? -1 : StatisticsBytes(layers);
        long payload = body.Length - HeaderBytes;
        if (statistics < 0 || payload < statistics + 4)
            throw new InvalidInputException(source, $"payload is {payload} bytes, which is not {layers} layers of weight evidence");
        var aligned = body[(HeaderBytes + (int)statistics)..];
        var expected = BinaryPrimitives.ReadInt32LittleEndian(aligned) switch
        {
            0 => 4L,
            1 when aligned.Length >= 4 * AlignedHeader => AlignedPartBytes(aligned, layers),
            var flag => throw new InvalidInputException(source, $"aligned weights' flag is {flag}, not 0 or 1"),
        };
        if (statistics + expected != payload)
            throw new InvalidInputException(source, $"payload is {payload} bytes, which is not {layers} layers of weight evidence and their aligned weights");
        return layers;

        long AlignedPartBytes(ReadOnlySpan<byte> part, int layerCount)
        {
            int hidden = BinaryPrimitives.ReadInt32LittleEndian(part[4..]), rank = BinaryPrimitives.ReadInt32LittleEndian(part[8..]),
                kept = BinaryPrimitives.ReadInt32LittleEndian(part[12..]);
            if (hidden is < 1 or > MaxHidden || rank < 1 || rank > Math.Min(hidden, AlignedWeights.MaxRank) || kept < 1 || kept > Math.Min(layerCount, AlignedWeights.MaxLayers))
                throw new InvalidInputException(source, $"aligned weights claim hidden size {hidden}, rank {rank}, {kept} layers: out of range");
            return AlignedBytes(hidden, rank, kept);
        }
    }

    /// <summary>The per-projection statistics, in the order the file keeps them.</summary>
    static float[][] Columns(WeightEvidence e) => [e.ZeroFraction, e.LevelsPerRow, e.DistinctFraction, e.SmallFraction, e.Norms];
}
