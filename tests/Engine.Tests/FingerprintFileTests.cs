using Reef.Engine.Fingerprints;

namespace Reef.Engine.Tests;

public class FingerprintFileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static Fingerprint Sample()
    {
        var random = new Random(1);
        var layers = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 10 * 6).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        return Fingerprint.FromActivations(new CapturedActivations(10, 6, layers), new ModelIdentity("m", "abc", "LlamaForCausalLM", 3, 6, 100), "builtin", new string('f', 64), 2);
    }

    [Fact]
    public void RoundTripsEveryField()
    {
        using var temp = new TempDirectory();
        var original = Sample();
        FingerprintFile.Write(original, temp.Sub("a.reef"));
        var read = FingerprintFile.Read(temp.Sub("a.reef"));
        Assert.Equal(original.Model, read.Model);
        Assert.Equal(original.ProbeHash, read.ProbeHash);
        Assert.Equal(original.Truncated, read.Truncated);
        Assert.Equal(original.Method, read.Method);
        // Half precision: each value within float16's relative rounding (2⁻¹¹) of the largest in its Gram.
        foreach (var p in Enum.GetValues<Preprocessing>())
            for (var l = 0; l < 3; l++)
            {
                var largest = original.Grams[p][l].Max(Math.Abs);
                Assert.All(original.Grams[p][l].Zip(read.Grams[p][l]), v => Assert.True(Math.Abs(v.First - v.Second) <= largest / 2048, $"{v.First} read as {v.Second}"));
            }
    }

    /// <summary>
    /// The compact format (half precision, packed triangle) moves linear and RBF CKA by less than 1e-4 on every layer pair of
    /// two related and two unrelated models at n = 200, and a 32-layer standardized fingerprint at n = 200 is under 2 MB.
    /// </summary>
    [Fact]
    public void TheCompactFormatKeepsCkaWithin1e4AndIsUnder2MB()
    {
        using var temp = new TempDirectory();
        const int n = 200;
        var (a, b, c) = OutlierFingerprints.Make(seed: 3, n, d: 96, layers: 4);
        Fingerprint RoundTrip(Fingerprint f)
        {
            FingerprintFile.Write(f, temp.Sub(f.Model.Path + ".reef"));
            return FingerprintFile.Read(temp.Sub(f.Model.Path + ".reef"));
        }
        var moved = new List<string>();
        foreach (var kernel in new[] { Similarity.Kernel.Linear, Similarity.Kernel.Rbf })
        foreach (var (x, y) in new[] { (a, b), (a, c) })
        {
            var exact = Similarity.Comparison.Of(x, y, kernel).Matrix;
            var compact = Similarity.Comparison.Of(RoundTrip(x), RoundTrip(y), kernel).Matrix;
            var worst = exact.Zip(compact).SelectMany(r => r.First.Zip(r.Second, (e, h) => Math.Abs(e - h))).Max();
            output.WriteLine($"{kernel} {x.Model.Path}×{y.Model.Path}: largest CKA change {worst:E2}");
            Assert.True(worst < 1e-4, $"{kernel} CKA of {x.Model.Path} × {y.Model.Path} moved by {worst:E2}");
        }

        var random = new Random(3);
        var big = Fingerprint.FromActivations(new CapturedActivations(n, 8, Enumerable.Range(0, 32).Select(_ => Enumerable.Range(0, n * 8).Select(_ => (float)random.NextDouble()).ToArray()).ToList()),
            new ModelIdentity("big", "big", "LlamaForCausalLM", 32, 8, 100), "builtin", new string('f', 64), 0).Keeping(Preprocessing.Standardized);
        var bytes = FingerprintFile.ToBytes(big).Length;
        Assert.True(bytes < 2_000_000, $"{bytes} bytes");
    }

    /// <summary>A fingerprint of a model whose hidden states did not vary (written with a valid checksum): "cannot be judged", never compared.</summary>
    [Fact]
    public void AZeroGramCannotBeJudged()
    {
        using var temp = new TempDirectory();
        var sample = Sample();
        var grams = sample.Grams.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<float[]>)kv.Value.Select((g, layer) => layer == 1 ? new float[g.Length] : g).ToList());
        FingerprintFile.Write(sample with { Grams = grams }, temp.Sub("zero.reef"));
        var error = Assert.Throws<InvalidInputException>(() => FingerprintFile.Read(temp.Sub("zero.reef")));
        Assert.Contains("cannot be judged: its standardized Gram of layer 1 is zero", error.Reason);
    }

    [Fact]
    public void CorruptionIsDetected()
    {
        using var temp = new TempDirectory();
        FingerprintFile.Write(Sample(), temp.Sub("a.reef"));
        var bytes = File.ReadAllBytes(temp.Sub("a.reef"));
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(temp.Sub("b.reef"), bytes);
        var error = Assert.Throws<InvalidInputException>(() => FingerprintFile.Read(temp.Sub("b.reef")));
        Assert.Contains("checksum", error.Message);
        File.WriteAllBytes(temp.Sub("c.reef"), bytes[..(bytes.Length / 3)]);
        Assert.Throws<InvalidInputException>(() => FingerprintFile.Read(temp.Sub("c.reef")));
    }

    /// <summary>
    /// A header whose Gram scale lies (too large, so values overflow; zero; negative) is refused naming the file, even
    /// when its checksum is valid: a checksum proves the bytes are what was written, not that the writer was honest.
    /// </summary>
    [Theory]
    [InlineData("1e38")]
    [InlineData("0")]
    [InlineData("-1")]
    public void AGramScaleThatLiesIsRefused(string scale)
    {
        using var temp = new TempDirectory();
        var bytes = FingerprintFile.ToBytes(Sample());
        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        var header = System.Text.Encoding.UTF8.GetString(bytes, 16, headerLength);
        var forged = System.Text.RegularExpressions.Regex.Replace(header, "\"scales\":\\[[^,\\]]+", "\"scales\":[" + scale);
        Assert.NotEqual(header, forged);
        var headerBytes = System.Text.Encoding.UTF8.GetBytes(forged);
        using var file = new MemoryStream();
        file.Write(bytes.AsSpan(0, 12));
        file.Write(BitConverter.GetBytes(headerBytes.Length));
        file.Write(headerBytes);
        file.Write(bytes.AsSpan(16 + headerLength, bytes.Length - 32 - 16 - headerLength));
        file.Write(System.Security.Cryptography.SHA256.HashData(file.ToArray()));
        File.WriteAllBytes(temp.Sub("forged.reef"), file.ToArray());
        var error = Assert.Throws<InvalidInputException>(() => FingerprintFile.Read(temp.Sub("forged.reef")));
        Assert.Contains("scale", error.Message);
        Assert.Contains(temp.Sub("forged.reef"), error.Message);
    }

    [Fact]
    public void StandardizedGramIgnoresColumnScaleAndCenteredDoesNot()
    {
        var x = new float[] { 1, 2, 3, 4, 5, 7, 2, 0, 1 };
        var scaled = x.Select((v, i) => i % 3 == 0 ? v * 10 : v).ToArray();
        var a = GramMatrix.Compute(x, 3, 3, Preprocessing.Standardized);
        var b = GramMatrix.Compute(scaled, 3, 3, Preprocessing.Standardized);
        for (var i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
        Assert.NotEqual(GramMatrix.Compute(x, 3, 3, Preprocessing.Centered)[0], GramMatrix.Compute(scaled, 3, 3, Preprocessing.Centered)[0]);
    }
}
