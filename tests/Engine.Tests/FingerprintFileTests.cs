using Reef.Engine.Fingerprints;

namespace Reef.Engine.Tests;

public class FingerprintFileTests
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
        foreach (var p in Enum.GetValues<Preprocessing>())
            for (var l = 0; l < 3; l++)
                Assert.Equal(original.Grams[p][l], read.Grams[p][l]);
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
