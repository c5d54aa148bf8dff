using System.Buffers.Binary;
using Reef.Engine.Checkpoints;
using Reef.Engine.Gguf;

namespace Reef.Engine.Tests;

/// <summary>Every stored format's bad values are found on the bits, named with the tensor; everything a model holds passes.</summary>
public class WeightValuesTests
{
    static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    static string Refused(Action check) => Assert.Throws<InvalidWeightsException>(check).Reason;

    [Fact]
    public void Float32()
    {
        // Long enough for the vector path and its scalar tail: a bad value in each.
        var clean = Enumerable.Range(0, 67).Select(i => (float)Math.Sin(i) * 1e4f).ToArray();
        WeightValues.Check(Floats(clean), Dtype.F32, "f", "t");
        WeightValues.Check(Floats(1.8e19f, -1.8e19f, float.Epsilon, -0f), Dtype.F32, "f", "t");
        foreach (var (at, value, said) in new[] { (3, float.NaN, "holds NaN"), (64, float.PositiveInfinity, "holds +Inf"), (66, -1.9e19f, "holds -1.9E+19, whose square overflows") })
        {
            var bad = clean.ToArray();
            bad[at] = value;
            Assert.Contains($"tensor 't' {said}", Refused(() => WeightValues.Check(Floats(bad), Dtype.F32, "f", "t")));
            Assert.Contains($"tensor 't' {said}", Refused(() => WeightValues.Check(Floats(bad), GgmlType.F32, "f", "t")));
        }
    }

    [Fact]
    public void HalfPrecisions()
    {
        byte[] Halves(params ushort[] bits) => bits.SelectMany(b => BitConverter.GetBytes(b)).ToArray();
        WeightValues.Check(Halves(0x7BFF, 0xFBFF, 0x0001), Dtype.F16, "f", "t"); // ±65504, the smallest subnormal
        Assert.Contains("holds NaN", Refused(() => WeightValues.Check(Halves(0x3C00, 0x7E00), Dtype.F16, "f", "t")));
        Assert.Contains("holds -Inf", Refused(() => WeightValues.Check(Halves(0xFC00), GgmlType.F16, "f", "t")));
        // bfloat16 has float32's range: 2^63 passes, 2^64 does not.
        WeightValues.Check(Halves(0x5F00), Dtype.BF16, "f", "t");
        Assert.Contains("whose square overflows", Refused(() => WeightValues.Check(Halves(0x3F80, 0x5F80), Dtype.BF16, "f", "t")));
        Assert.Contains("holds +Inf", Refused(() => WeightValues.Check(Halves(0x7F80), GgmlType.BF16, "f", "t")));
        // Long enough for the vector pass, a bad value in it and one in its scalar tail.
        var many = Enumerable.Range(0, 203).Select(i => (ushort)(0x3C00 + i)).ToArray();
        WeightValues.Check(Halves(many), Dtype.F16, "f", "t");
        foreach (var at in new[] { 40, 202 })
        {
            var bad = many.ToArray();
            bad[at] = 0xFFC0; // NaN in bfloat16 (0xFE00, NaN in float16, is −4.25e37 there)
            Assert.Contains("holds NaN", Refused(() => WeightValues.Check(Halves(bad), Dtype.BF16, "f", "t")));
        }
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 0)]
    [InlineData(GgmlType.Q4_1, 2)]
    [InlineData(GgmlType.Q5_0, 0)]
    [InlineData(GgmlType.Q2_K, 82)]
    [InlineData(GgmlType.Q3_K, 108)]
    [InlineData(GgmlType.Q4_K, 0)]
    [InlineData(GgmlType.Q5_K, 2)]
    [InlineData(GgmlType.Q6_K, 208)]
    public void QuantizedBlocksByTheirScales(GgmlType type, int scale)
    {
        var block = GgmlTypes.Layout(type)!.Value.Bytes;
        // Quantized values are any bytes (all ones here, which would be NaN as halves): only the scales decide.
        var blocks = Enumerable.Repeat((byte)0xFF, 3 * block).ToArray();
        foreach (var at in new[] { 0, 2, 80, 82, 108, 208 }.Where(at => at + 2 <= block)) for (var b = 0; b < 3; b++)
            BinaryPrimitives.WriteHalfLittleEndian(blocks.AsSpan(b * block + at), (Half)0.01f);
        WeightValues.Check(blocks, type, "f", "t");
        BinaryPrimitives.WriteUInt16LittleEndian(blocks.AsSpan(2 * block + scale), 0x7C00);
        Assert.Contains("tensor 't' holds +Inf", Refused(() => WeightValues.Check(blocks, type, "f", "t")));
    }
}
