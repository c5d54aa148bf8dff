using System.Text.Json;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;

namespace Reef.Client.Tests;

/// <summary>The commands end to end on checkpoints written to disk.</summary>
public class CommandTests
{
    static (TempDirectory Temp, string Source, string Permuted, string Other) Models()
    {
        var temp = new TempDirectory();
        var source = TestModels.Write(temp.Sub("source"), Architecture.Qwen2, seed: 1);
        ResidualPermutation.Apply(source, temp.Sub("permuted"), seed: 2);
        var other = TestModels.Write(temp.Sub("other"), Architecture.Qwen2, seed: 3);
        return (temp, source, temp.Sub("permuted"), other);
    }

    [Fact]
    public void CompareFoldersPrintsSummariesAndVerdict()
    {
        var (temp, source, permuted, _) = Models();
        using var _ = temp;
        var result = Cli.Run("compare", source, permuted, "--samples", "32");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("REEF layer", result.Out);
        Assert.Contains("best layer pair", result.Out);
        Assert.Contains("monotone layer alignment", result.Out);
        Assert.Contains("verdict: DERIVED", result.Out);
        Assert.Contains("derived >= 0.8000, unrelated < 0.5000", result.Out);
    }

    [Fact]
    public void ModelIdsAreReadFromTheHuggingFaceCacheAndOneNotCachedExits3()
    {
        var (temp, source, permuted, _) = Models();
        using var _ = temp;
        var cache = temp.Sub("hf-cache");
        HfCacheLayout.Add(cache, "org/source", "0123456789abcdef0123456789abcdef01234567", source);
        HfCacheLayout.Add(cache, "org/permuted", "89abcdef0123456789abcdef0123456789abcdef", permuted, branch: "v1");
        var environment = new Dictionary<string, string> { ["HF_HUB_CACHE"] = cache };

        var compared = ReefProcess.Run(["compare", "org/source", "org/permuted@v1", "--samples", "32"], TimeSpan.FromMinutes(3), environment);
        Assert.True(compared.ExitCode == 0, compared.ToString());
        Assert.Contains("verdict: DERIVED", compared.Out);

        var missing = ReefProcess.Run(["fingerprint", "org/absent", "--samples", "32"], TimeSpan.FromMinutes(1), environment);
        Assert.True(missing.ExitCode == 3, missing.ToString());
        Assert.Contains("org/absent", missing.Error);
        Assert.Contains("is not in the Hugging Face cache", missing.Error);
    }

    [Fact]
    public void AGgufReuploadComparesAsDerivedAndAMalformedOneExits3()
    {
        using var temp = new TempDirectory();
        var source = TestModels.WriteLlamaWithMerges(temp.Sub("source"));
        var gguf = temp.Sub("source-f16.gguf");
        Reef.Engine.Lab.Derivation.GgufExport.Write(source, gguf, Reef.Engine.Gguf.GgmlType.F16);
        var other = TestModels.WriteLlamaWithMerges(temp.Sub("other"), seed: 10);

        var derived = Cli.Run("compare", source, gguf, "--samples", "32", "--json");
        Assert.True(derived.ExitCode == 0, derived.Error);
        double cka;
        using (var json = JsonDocument.Parse(derived.Out))
        {
            Assert.Equal("derived", json.RootElement.GetProperty("verdict").GetString());
            cka = json.RootElement.GetProperty("reefLayer").GetProperty("cka").GetDouble();
            Assert.True(cka > 0.999);
        }
        // Under a budget nothing fits, both models stream block by block, the GGUF file as the folder: the same score.
        var streamed = Cli.Run("compare", source, gguf, "--samples", "32", "--json", "--max-memory", "1");
        Assert.True(streamed.ExitCode == 0, streamed.Error);
        using (var json = JsonDocument.Parse(streamed.Out))
            Assert.Equal(cka, json.RootElement.GetProperty("reefLayer").GetProperty("cka").GetDouble(), 6);
        Assert.Contains("verdict: UNRELATED", Cli.Run("compare", other, gguf, "--samples", "32").Out);

        var broken = temp.Sub("broken.gguf");
        var bytes = File.ReadAllBytes(gguf);
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]);
        var refused = Cli.Run("fingerprint", broken, "--samples", "32");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains(broken, refused.Error);
        Assert.Contains("runs past the end of the", refused.Error);
    }

    [Fact]
    public void FingerprintFilesCompareAsJsonWithTheLayerMatrix()
    {
        var (temp, source, permuted, other) = Models();
        using var _ = temp;
        foreach (var (dir, name) in new[] { (source, "a"), (permuted, "b"), (other, "c") })
            Assert.Equal(0, Cli.Run("fingerprint", dir, "--samples", "32", "--out", temp.Sub(name + ".reef")).ExitCode);

        using var derived = JsonDocument.Parse(Cli.Run("compare", temp.Sub("a.reef"), temp.Sub("b.reef"), "--json").Out);
        var root = derived.RootElement;
        Assert.Equal("derived", root.GetProperty("verdict").GetString());
        Assert.Equal(3, root.GetProperty("matrix").GetArrayLength());
        Assert.Equal(3, root.GetProperty("matrix")[0].GetArrayLength());
        Assert.True(root.GetProperty("reefLayer").GetProperty("cka").GetDouble() > 0.9999);
        Assert.Equal(0.8, root.GetProperty("thresholds").GetProperty("derived").GetDouble());

        using var unrelated = JsonDocument.Parse(Cli.Run("compare", temp.Sub("a.reef"), temp.Sub("c.reef"), "--json", "--kernel", "rbf").Out);
        Assert.True(unrelated.RootElement.GetProperty("reefLayer").GetProperty("cka").GetDouble() < 0.99);
        Assert.Equal("rbf", unrelated.RootElement.GetProperty("kernel").GetString());

        // A folder compared with a fingerprint taken on other probes is refused, naming both.
        var refused = Cli.Run("compare", temp.Sub("a.reef"), other, "--samples", "20");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("probe sets differ", refused.Error);
    }

    [Fact]
    public void ActivationsWritesLayerFilesAndManifest()
    {
        var (temp, source, _, _) = Models();
        using var _ = temp;
        var result = Cli.Run("activations", source, "--samples", "10", "--out", temp.Sub("acts"));
        Assert.Equal(0, result.ExitCode);
        var config = TestModels.Config(Architecture.Qwen2);
        for (var i = 0; i < config.Layers; i++)
            Assert.Equal(10L * config.HiddenSize * 4, new FileInfo(temp.Sub($"acts/layer_{i}.f32")).Length);
        using var manifest = JsonDocument.Parse(File.ReadAllText(temp.Sub("acts/manifest.json")));
        Assert.Equal(10, manifest.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(config.HiddenSize, manifest.RootElement.GetProperty("d").GetInt32());
        Assert.Equal(config.Layers, manifest.RootElement.GetProperty("layers").GetInt32());
        Assert.Equal(64, manifest.RootElement.GetProperty("probe_hash").GetString()!.Length);
    }

    [Fact]
    public void PreTokenizedProbesWorkWithoutATokenizer()
    {
        var (temp, source, _, _) = Models();
        using var _ = temp;
        File.Delete(Path.Combine(source, "tokenizer.json"));
        var withoutTokens = Cli.Run("fingerprint", source, "--samples", "8", "--out", temp.Sub("x.reef"));
        Assert.Equal(3, withoutTokens.ExitCode);
        Assert.Contains("no tokenizer.json", withoutTokens.Error);
        File.WriteAllLines(temp.Sub("ids.jsonl"), Enumerable.Range(0, 10).Select(i => $"{{\"ids\": [256, {65 + i}, 66, 46]}}"));
        var ok = Cli.Run("fingerprint", source, "--probes", temp.Sub("ids.jsonl"), "--out", temp.Sub("x.reef"));
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("10 statements", ok.Out);
    }
}
