using System.Buffers.Binary;

namespace Reef.Engine.Gguf;

/// <summary>
/// ggml's block formats back to float32, value for value as llama.cpp's own <c>dequantize_row_*</c> (ggml-quants.c) computes
/// them — the tests hold every type against llama.cpp's functions in-process. Blocks are read little-endian; a block's
/// scales are fp16.
/// </summary>
public static class GgmlDequantizer
{
    /// <summary>Dequantizes <paramref name="data"/>, whole blocks of <paramref name="type"/>, into <paramref name="output"/>.</summary>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> data, Span<float> output)
    {
        var (perBlock, blockBytes) = GgmlTypes.Layout(type) ?? throw new ArgumentException($"{type} is not a type ReefCluster reads");
        if (data.Length % blockBytes != 0 || (long)data.Length / blockBytes * perBlock != output.Length)
            throw new ArgumentException($"{data.Length} bytes of {type} do not hold {output.Length} values");
        for (int b = 0, n = data.Length / blockBytes; b < n; b++)
        {
            var x = data.Slice(b * blockBytes, blockBytes);
            var y = output.Slice(b * perBlock, perBlock);
            switch (type)
            {
                case GgmlType.F32: y[0] = BinaryPrimitives.ReadSingleLittleEndian(x); break;
                case GgmlType.F16: y[0] = Half(x); break;
                case GgmlType.BF16: y[0] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(x) << 16); break;
                case GgmlType.Q8_0: Q8_0(x, y); break;
                case GgmlType.Q4_0: Q4(x, y, hasMin: false); break;
                case GgmlType.Q4_1: Q4(x, y, hasMin: true); break;
                case GgmlType.Q5_0: Q5(x, y, hasMin: false); break;
                case GgmlType.Q5_1: Q5(x, y, hasMin: true); break;
                case GgmlType.Q2_K: Q2_K(x, y); break;
                case GgmlType.Q3_K: Q3_K(x, y); break;
                case GgmlType.Q4_K: Q4_K(x, y); break;
                case GgmlType.Q5_K: Q5_K(x, y); break;
                case GgmlType.Q6_K: Q6_K(x, y); break;
            }
        }
    }

    static float Half(ReadOnlySpan<byte> x) => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(x));

    // block_q8_0: d, int8 qs[32].
    static void Q8_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Half(x);
        for (var j = 0; j < 32; j++) y[j] = (sbyte)x[2 + j] * d;
    }

    // block_q4_0: d, qs[16] (low nibbles are values 0–15, high nibbles 16–31), value − 8; block_q4_1: d, m, qs[16], value · d + m.
    static void Q4(ReadOnlySpan<byte> x, Span<float> y, bool hasMin)
    {
        var d = Half(x);
        var m = hasMin ? Half(x[2..]) : 0f;
        var qs = x[(hasMin ? 4 : 2)..];
        for (var j = 0; j < 16; j++)
        {
            if (hasMin)
            {
                y[j] = (qs[j] & 0x0F) * d + m;
                y[j + 16] = (qs[j] >> 4) * d + m;
            }
            else
            {
                y[j] = ((qs[j] & 0x0F) - 8) * d;
                y[j + 16] = ((qs[j] >> 4) - 8) * d;
            }
        }
    }

    // block_q5_0: d, qh (32 fifth bits), qs[16], value − 16; block_q5_1: d, m, qh, qs[16], value · d + m.
    static void Q5(ReadOnlySpan<byte> x, Span<float> y, bool hasMin)
    {
        var d = Half(x);
        var m = hasMin ? Half(x[2..]) : 0f;
        var at = hasMin ? 4 : 2;
        var qh = BinaryPrimitives.ReadUInt32LittleEndian(x[at..]);
        var qs = x[(at + 4)..];
        for (var j = 0; j < 16; j++)
        {
            var high0 = (int)((qh >> j) << 4) & 0x10;
            var high1 = (int)(qh >> (j + 12)) & 0x10;
            var v0 = (qs[j] & 0x0F) | high0;
            var v1 = (qs[j] >> 4) | high1;
            if (hasMin)
            {
                y[j] = v0 * d + m;
                y[j + 16] = v1 * d + m;
            }
            else
            {
                y[j] = (v0 - 16) * d;
                y[j + 16] = (v1 - 16) * d;
            }
        }
    }

    // block_q2_K: scales[16] (4-bit scale, 4-bit min), qs[64], d, dmin.
    static void Q2_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var scales = x[..16];
        var q = x.Slice(16, 64);
        var d = Half(x[80..]);
        var min = Half(x[82..]);
        int scale = 0, o = 0;
        for (var n = 0; n < GgmlTypes.SuperBlock; n += 128)
        {
            var shift = 0;
            for (var j = 0; j < 4; j++)
            {
                for (var half = 0; half < 2; half++)
                {
                    var sc = scales[scale++];
                    float dl = d * (sc & 0xF), ml = min * (sc >> 4);
                    for (var l = 0; l < 16; l++) y[o++] = dl * ((q[l + 16 * half] >> shift) & 3) - ml;
                }
                shift += 2;
            }
            q = q[32..];
        }
    }

    // block_q3_K: hmask[32], qs[64], scales[12] (sixteen 6-bit scales), d.
    static void Q3_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var hm = x[..32];
        var q = x.Slice(32, 64);
        var packed = x.Slice(96, 12);
        var dAll = Half(x[108..]);
        const uint kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
        uint a0 = BinaryPrimitives.ReadUInt32LittleEndian(packed), a1 = BinaryPrimitives.ReadUInt32LittleEndian(packed[4..]),
            tmp = BinaryPrimitives.ReadUInt32LittleEndian(packed[8..]);
        Span<uint> aux =
        [
            (a0 & kmask2) | (((tmp >> 0) & kmask1) << 4),
            (a1 & kmask2) | (((tmp >> 2) & kmask1) << 4),
            ((a0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4),
            ((a1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4),
        ];
        Span<sbyte> scales = stackalloc sbyte[16];
        for (var i = 0; i < 16; i++) scales[i] = (sbyte)(byte)(aux[i / 4] >> (8 * (i % 4)));
        int scale = 0, o = 0;
        var m = 1;
        for (var n = 0; n < GgmlTypes.SuperBlock; n += 128)
        {
            var shift = 0;
            for (var j = 0; j < 4; j++)
            {
                for (var half = 0; half < 2; half++)
                {
                    var dl = dAll * (scales[scale++] - 32);
                    for (var l = 16 * half; l < 16 * half + 16; l++)
                        y[o++] = dl * (((q[l] >> shift) & 3) - ((hm[l] & m) != 0 ? 0 : 4));
                }
                shift += 2;
                m <<= 1;
            }
            q = q[32..];
        }
    }

    // The 6-bit scale and min of sub-block j in the 12 packed bytes of Q4_K and Q5_K (get_scale_min_k4).
    static (int Scale, int Min) ScaleMin(int j, ReadOnlySpan<byte> q) => j < 4
        ? (q[j] & 63, q[j + 4] & 63)
        : ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));

    // block_q4_K: d, dmin, scales[12], qs[128].
    static void Q4_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Half(x);
        var min = Half(x[2..]);
        var scales = x.Slice(4, 12);
        var q = x.Slice(16, 128);
        int scale = 0, o = 0;
        for (var j = 0; j < GgmlTypes.SuperBlock; j += 64)
        {
            var (s1, m1) = ScaleMin(scale, scales);
            var (s2, m2) = ScaleMin(scale + 1, scales);
            float d1 = d * s1, min1 = min * m1, d2 = d * s2, min2 = min * m2;
            for (var l = 0; l < 32; l++) y[o++] = d1 * (q[l] & 0xF) - min1;
            for (var l = 0; l < 32; l++) y[o++] = d2 * (q[l] >> 4) - min2;
            q = q[32..];
            scale += 2;
        }
    }

    // block_q5_K: d, dmin, scales[12], qh[32], qs[128].
    static void Q5_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Half(x);
        var min = Half(x[2..]);
        var scales = x.Slice(4, 12);
        var qh = x.Slice(16, 32);
        var ql = x.Slice(48, 128);
        int scale = 0, o = 0, u1 = 1, u2 = 2;
        for (var j = 0; j < GgmlTypes.SuperBlock; j += 64)
        {
            var (s1, m1) = ScaleMin(scale, scales);
            var (s2, m2) = ScaleMin(scale + 1, scales);
            float d1 = d * s1, min1 = min * m1, d2 = d * s2, min2 = min * m2;
            for (var l = 0; l < 32; l++) y[o++] = d1 * ((ql[l] & 0xF) + ((qh[l] & u1) != 0 ? 16 : 0)) - min1;
            for (var l = 0; l < 32; l++) y[o++] = d2 * ((ql[l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0)) - min2;
            ql = ql[32..];
            scale += 2;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    // block_q6_K: ql[128], qh[64], int8 scales[16], d.
    static void Q6_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var ql = x[..128];
        var qh = x.Slice(128, 64);
        var sc = x.Slice(192, 16);
        var d = Half(x[208..]);
        var o = 0;
        for (var n = 0; n < GgmlTypes.SuperBlock; n += 128)
        {
            for (var l = 0; l < 32; l++)
            {
                var s = l / 16;
                var q1 = (sbyte)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                var q2 = (sbyte)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                var q3 = (sbyte)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                var q4 = (sbyte)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[o + l] = d * (sbyte)sc[s] * q1;
                y[o + l + 32] = d * (sbyte)sc[s + 2] * q2;
                y[o + l + 64] = d * (sbyte)sc[s + 4] * q3;
                y[o + l + 96] = d * (sbyte)sc[s + 6] * q4;
            }
            o += 128;
            ql = ql[64..];
            qh = qh[32..];
            sc = sc[8..];
        }
    }
}
