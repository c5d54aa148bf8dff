using Reef.Engine.Gguf;
using Xunit.Abstractions;

namespace Reef.Engine.Tests;

/// <summary>The GGUF reader against llama.cpp: every tensor type it reads dequantizes as llama.cpp's own code does.</summary>
public class GgufTests(ITestOutputHelper output)
{
    public static TheoryData<GgmlType> ReadTypes() => new(Enum.GetValues<GgmlType>().Where(t => GgmlTypes.Layout(t) != null));

    [Theory]
    [MemberData(nameof(ReadTypes))]
    public void EveryTypeDequantizesAsLlamaCppDoes(GgmlType type)
    {
        // Rows of 512: K-quants work on super-blocks of 256. Gaussian values with a few outliers, as weights have.
        const int rows = 6, perRow = 512;
        var random = new Random(5);
        var values = Enumerable.Range(0, rows * perRow).Select(i =>
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (float)(i % 97 == 0 ? 8 * gaussian : gaussian) * 0.02f;
        }).ToArray();
        var blocks = GgmlReference.Quantize(type, values, rows);
        var expected = GgmlReference.Dequantize(type, blocks, values.Length);
        var ours = new float[values.Length];
        GgmlDequantizer.Dequantize(type, blocks, ours);

        var scale = expected.Max(Math.Abs);
        var worst = ours.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        var quantization = values.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{type}: {blocks.Length} bytes; largest difference from llama.cpp {worst:E2} (of values up to {scale:E2}); " +
                         $"quantization error up to {quantization:E2}");
        // Bit for bit: the same operations in the same order as llama.cpp's plain-C dequantizers.
        Assert.True(worst == 0, $"{type}: differs from llama.cpp by {worst}");
        Assert.True(type is GgmlType.F32 ? quantization == 0 : quantization > 0 || type is GgmlType.F16 or GgmlType.BF16);
    }
}
