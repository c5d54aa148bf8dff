using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Reef.Engine.Gguf;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// Weights are checked as their bytes are read, in every format and on every path (loaded, streamed, hashed unread): a NaN or
/// ±Inf, or a value whose square overflows float32 (|x| ≥ 2⁶⁴: a norm or a Gram of it is Inf), fails the model naming the
/// tensor, before any of it reaches the decoder. Checked on the stored bits, so it costs a pass over memory already in cache.
/// A quantized block's values are its fp16 scales times small integers, finite and far below 2⁶⁴ exactly when the scales are
/// finite: there the scales are checked.
/// </summary>
public static class WeightValues
{
    // |x| ≥ 2⁶⁴ (or Inf, NaN) in each format's bits, sign cleared.
    const uint F32Bad = 0x5F80_0000;
    const ushort Bf16Bad = 0x5F80;
    const ushort F16Bad = 0x7C00; // fp16 tops out at 65,504: only Inf and NaN
    const ulong F64Bad = 0x43F0_0000_0000_0000;

    /// <summary>Checks <paramref name="bytes"/>, whole elements of <paramref name="dtype"/> (integer types are not weights' and pass).</summary>
    public static void Check(ReadOnlySpan<byte> bytes, Dtype dtype, string file, string tensor)
    {
        switch (dtype)
        {
            case Dtype.F32: CheckF32(bytes, file, tensor); break;
            case Dtype.BF16: CheckHalves(bytes, stride: 2, offsets: [0], Bf16Bad, bf16: true, file, tensor); break;
            case Dtype.F16: CheckHalves(bytes, stride: 2, offsets: [0], F16Bad, bf16: false, file, tensor); break;
            case Dtype.F64:
                foreach (var bits in MemoryMarshal.Cast<byte, ulong>(bytes))
                    if ((bits & 0x7FFF_FFFF_FFFF_FFFF) >= F64Bad) throw Bad(file, tensor, BitConverter.UInt64BitsToDouble(bits));
                break;
        }
    }

    /// <summary>Checks <paramref name="bytes"/>, whole blocks of the GGUF type <paramref name="type"/>.</summary>
    public static void Check(ReadOnlySpan<byte> bytes, GgmlType type, string file, string tensor)
    {
        var (_, block) = GgmlTypes.Layout(type) ?? throw new ArgumentException($"{type} is not a type ReefCluster reads");
        switch (type)
        {
            case GgmlType.F32: CheckF32(bytes, file, tensor); break;
            case GgmlType.BF16: CheckHalves(bytes, 2, [0], Bf16Bad, bf16: true, file, tensor); break;
            default: CheckHalves(bytes, block, ScaleOffsets(type), F16Bad, bf16: false, file, tensor); break;
        }
    }

    /// <summary>Where a block of <paramref name="type"/> keeps its fp16 scales (d, and the minimum where it has one): ggml-common.h's block structs.</summary>
    static int[] ScaleOffsets(GgmlType type) => type switch
    {
        GgmlType.F16 or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 => [0],
        GgmlType.Q4_1 or GgmlType.Q5_1 or GgmlType.Q4_K or GgmlType.Q5_K => [0, 2],
        GgmlType.Q2_K => [80, 82],
        GgmlType.Q3_K => [108],
        GgmlType.Q6_K => [208],
        _ => throw new ArgumentException($"{type} has no scales ReefCluster knows"),
    };

    static void CheckF32(ReadOnlySpan<byte> bytes, string file, string tensor)
    {
        var values = MemoryMarshal.Cast<byte, uint>(bytes);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<uint>(0x7FFF_FFFF);
            var limit = new Vector<uint>(F32Bad - 1);
            for (; i + Vector<uint>.Count <= values.Length; i += Vector<uint>.Count)
                if (Vector.GreaterThanAny(new Vector<uint>(values.Slice(i, Vector<uint>.Count)) & mask, limit)) break;
        }
        for (; i < values.Length; i++)
            if ((values[i] & 0x7FFF_FFFF) >= F32Bad) throw Bad(file, tensor, BitConverter.UInt32BitsToSingle(values[i]));
    }

    static void CheckHalves(ReadOnlySpan<byte> bytes, int stride, int[] offsets, ushort bad, bool bf16, string file, string tensor)
    {
        // Plain 16-bit weights (most checkpoints are bfloat16): a vector pass over all of them, the scalar loop below only to name a bad one.
        if (stride == 2 && Vector.IsHardwareAccelerated)
        {
            var values = MemoryMarshal.Cast<byte, ushort>(bytes);
            var mask = new Vector<ushort>(0x7FFF);
            var limit = new Vector<ushort>((ushort)(bad - 1));
            var i = 0;
            for (; i + Vector<ushort>.Count <= values.Length; i += Vector<ushort>.Count)
                if (Vector.GreaterThanAny(new Vector<ushort>(values.Slice(i, Vector<ushort>.Count)) & mask, limit)) break;
            bytes = bytes[(i * 2)..];
        }
        // Quantized blocks: their one or two scales, read in place (a few hundred MB of blocks go by on every read of a model).
        ref var start = ref MemoryMarshal.GetReference(bytes);
        int first = offsets[0], second = offsets.Length > 1 ? offsets[1] : offsets[0];
        for (var at = 0; at + stride <= bytes.Length; at += stride)
        {
            var d = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ushort>(ref System.Runtime.CompilerServices.Unsafe.Add(ref start, at + first));
            var m = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ushort>(ref System.Runtime.CompilerServices.Unsafe.Add(ref start, at + second));
            if ((d & 0x7FFF) < bad && (m & 0x7FFF) < bad) continue;
            var bits = (d & 0x7FFF) >= bad ? d : m;
            throw Bad(file, tensor, bf16 ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits));
        }
    }

    static InvalidWeightsException Bad(string file, string tensor, double value) => new(file,
        double.IsNaN(value) ? $"tensor '{tensor}' holds NaN"
        : double.IsInfinity(value) ? $"tensor '{tensor}' holds {(value > 0 ? "+" : "-")}Inf"
        : $"tensor '{tensor}' holds {value.ToString("G3", CultureInfo.InvariantCulture)}, whose square overflows float32 (weights of real models stay far below 2^64)");
}

/// <summary>A model's weights hold values no model can (NaN, ±Inf, overflowing magnitudes): bad input, the model's own failure.</summary>
public sealed class InvalidWeightsException(string file, string reason) : InvalidInputException(file, reason);
