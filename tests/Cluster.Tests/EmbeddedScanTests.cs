using System.Text.Json;
using Reef.Client;
using Reef.Client.Commands;
using Reef.Client.Outputs;
using Reef.Engine.Candidates;
using Reef.Engine.Store;

namespace Reef.Cluster.Tests;

/// <summary>The default mode: one process, state under a local folder, run through the command line.</summary>
public sealed class EmbeddedScanTests
{
    [Fact]
    public void SecondScanOfTheSameHubExtractsNothing()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"));
        var first = Scan(temp, "out1");
        Assert.Equal(ids, first.Ids);
        // Six ids, five distinct contents: the HF-cache twin is the same checkpoint as other-a, fingerprinted once.
        Assert.Equal(ids.Count - 1, first.Extracted);
        var counters = Directory.GetFiles(temp.Sub("state/store/counters/extractions"));
        Assert.Equal(ids.Count - 1, counters.Length);
        Assert.All(counters, c => Assert.Equal("1", File.ReadAllText(c)));

        var second = Scan(temp, "out2");
        Assert.Equal(0, second.Extracted);
        Assert.Equal(0.0, first.MaxDifference(second), 12);

        // A changed model is the only work of a third scan.
        Engine.Lab.Derivation.GaussianNoise.Apply(temp.Sub("hub/other-narrow"), temp.Sub("hub/other-narrow.noisy"), 0.05, seed: 9);
        var third = Scan(temp, "out3");
        Assert.Equal(1, third.Extracted);
        Assert.Equal(ids.Count + 1, third.Ids.Count);
    }

    /// <summary>
    /// Every fingerprinted model's sketches are in the store, equal to those of its stored fingerprint and signature;
    /// a sketch lost or corrupted in the store is made again by the next scan, from what the store still holds.
    /// </summary>
    [Fact]
    public async Task EveryFingerprintedModelHasItsSketchesInTheStore()
    {
        using var temp = new TempDirectory();
        TestHub.Write(temp.Sub("hub"));
        var first = Scan(temp, "out1");
        var store = new FolderBlobStore(temp.Sub("state/store"));

        async Task<(List<string> Reef, List<string> Weights)> Check()
        {
            var reefKeys = new List<string>();
            var weightKeys = new List<string>();
            foreach (var model in first.Models)
            {
                var fingerprint = await store.GetFingerprintAsync(model.Fingerprint!);
                var reefKey = StoreKeys.ReefSketch(model.Fingerprint!);
                var (reef, problem) = await store.GetSketchAsync(reefKey, SketchKind.Reef);
                Assert.True(problem == null, $"{model.Id}: {problem}");
                Assert.Equal(ReefSketch.Of(fingerprint), reef);
                reefKeys.Add(reefKey);
                var signatureKey = StoreKeys.WeightSignature(fingerprint.Model.ContentHash);
                if (!await store.ContainsAsync(signatureKey)) continue;
                var weightKey = StoreKeys.WeightSketch(signatureKey);
                var (weights, weightProblem) = await store.GetSketchAsync(weightKey, SketchKind.Weights);
                Assert.True(weightProblem == null, $"{model.Id}: {weightProblem}");
                Assert.Equal(WeightSketch.Of(await store.GetWeightSignatureAsync(signatureKey)), weights);
                weightKeys.Add(weightKey);
            }
            return (reefKeys, weightKeys);
        }

        var (reefKeys, weightKeys) = await Check();
        Assert.NotEmpty(weightKeys);
        await store.DeleteAsync(reefKeys[0]);
        var corrupt = (await store.GetAsync(weightKeys[0]))!;
        corrupt[30] ^= 0xFF;
        await store.PutAsync(weightKeys[0], corrupt);

        var second = Scan(temp, "out2");
        Assert.Equal(0, second.Extracted);
        await Check();
    }

    [Fact]
    public void BrokenCheckpointsAreReportedAndTheGoodOnesComplete()
    {
        using var temp = new TempDirectory();
        var good = TestHub.Write(temp.Sub("hub"));
        var broken = TestHub.AddBroken(temp.Sub("hub"));
        var run = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "48", "--json");
        // Finished, with the broken checkpoints listed: the exit code says some failed.
        Assert.True(run.ExitCode == ExitCodes.PartlyFailed, run.Error);
        var summary = ScanSummary.Parse(run.Out);
        Assert.Equal(good.Count, summary.Fingerprinted);
        var failures = summary.Failures.ToDictionary(f => f.Id, f => f.Reason!);
        Assert.Equal(broken.Keys.Order(), failures.Keys.Order());
        foreach (var (id, fragment) in broken)
        {
            Assert.Contains(fragment, failures[id]);
            Assert.Contains(temp.Sub("hub/" + id), failures[id]);
        }
        var matrix = ScanMatrix.Read(temp.Sub("out"));
        Assert.Equal(good, matrix.Ids);
        Assert.All(ScanMatrix.Dense(matrix.ReefLayer).SelectMany(r => r), v => Assert.NotNull(v));
    }

    [Fact]
    public void DerivativesScoreHighAndUnrelatedLow()
    {
        using var temp = new TempDirectory();
        TestHub.Write(temp.Sub("hub"));
        var m = Scan(temp, "out");
        double At(string a, string b) => m.Reef(a, b);
        Assert.True(At("family/source", "family/source.permute") > 0.999);
        Assert.True(At("family/source", "family/source.noise") > 0.9);
        // The same weights: CKA 1 up to the tiles' float32 rounding.
        Assert.Equal(1.0, At("other-a", "acme/twin@0123abcd"), 6);
        Assert.True(At("family/source", "other-a") < 0.8);
        var first = OutputFiles.ReadFamilies(temp.Sub("out")).Families[0].Members;
        Assert.Equal(["family/source", "family/source.noise", "family/source.permute"], first);

        // `reef suspects` judges the registry as the scan did: from its REEF scores and the facts and weight scores the
        // silos stored beside them (no checkpoint is opened), so the weight signal is there too.
        var suspects = Cli.Run("suspects", "family/source", "--state", temp.Sub("state"), "--json");
        Assert.True(suspects.ExitCode == 0, suspects.Error);
        var ranked = JsonSerializer.Deserialize<List<SuspectsCommand.Suspect>>(suspects.Out)!;
        Assert.Equal(["family/source.noise", "family/source.permute"], ranked.Take(2).Select(s => s.Id).Order());
        Assert.All(ranked.Take(2), s => Assert.True(s.Weights > 0.9, $"{s.Id}: weights {s.Weights}"));
        Assert.All(ranked.Where(s => s.Id.StartsWith("other")), s => Assert.True(s.Weights < 0.5, $"{s.Id}: weights {s.Weights}"));
    }

    /// <summary>
    /// A hub mixing safetensors folders, GGUF files (a folder of quantizations) and a Hugging Face cache repository of GGUF
    /// files: every model is found, and the GGUF re-uploads of a model fall in its family, judged derived.
    /// </summary>
    [Fact]
    public void GgufReuploadsInAHubAreFoundAndJudgedDerivedFromTheirSource()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"));
        var source = temp.Sub("hub/family/source");
        Directory.CreateDirectory(temp.Sub("hub/quantized"));
        Engine.Lab.Derivation.GgufExport.Write(source, temp.Sub("hub/quantized/source-f16.gguf"), Engine.Gguf.GgmlType.F16);
        Engine.Lab.Derivation.GgufExport.Write(source, temp.Sub("hub/quantized/source-bf16.gguf"), Engine.Gguf.GgmlType.BF16);
        var repo = temp.Sub("gguf-repo");
        Directory.CreateDirectory(repo);
        Engine.Lab.Derivation.GgufExport.Write(source, Path.Combine(repo, "source-f32.gguf"));
        HfCacheLayout.Add(temp.Sub("hub"), "acme/source-GGUF", "89abcdef0123456789abcdef0123456789abcdef", repo);
        string[] gguf = ["acme/source-GGUF@89abcdef0123456789abcdef0123456789abcdef/source-f32.gguf", "quantized/source-bf16.gguf", "quantized/source-f16.gguf"];

        var m = Scan(temp, "out");
        Assert.Equal(ids.Concat(gguf).Order(StringComparer.Ordinal), m.Ids);
        foreach (var id in gguf) Assert.True(m.Reef("family/source", id) > 0.99, $"{id}: {m.Reef("family/source", id)}");
        Assert.True(m.Reef("other-a", gguf[2]) < 0.8);
        var family = OutputFiles.ReadFamilies(temp.Sub("out")).Families.Single(f => f.Members.Contains("family/source")).Members;
        Assert.All(gguf, id => Assert.Contains(id, family));
        Assert.DoesNotContain("other-a", family);

        // The weight signal covers GGUF files too: their signatures were taken from the dequantized weights.
        var suspects = Cli.Run("suspects", "family/source", "--state", temp.Sub("state"), "--json");
        Assert.True(suspects.ExitCode == 0, suspects.Error);
        var ranked = JsonSerializer.Deserialize<List<SuspectsCommand.Suspect>>(suspects.Out)!;
        Assert.All(gguf, id => Assert.True(ranked.Single(s => s.Id == id).Weights > 0.99, $"{id}: weights {ranked.Single(s => s.Id == id).Weights}"));
    }

    /// <summary>An embedded scan with a memory budget smaller than any model streams every one, with the same scores.</summary>
    [Fact]
    public void AScanThatStreamsEveryModelScoresAsOneThatLoadsThemWhole()
    {
        using var temp = new TempDirectory();
        TestHub.Write(temp.Sub("hub"));
        var whole = Scan(temp, "out-whole");
        var run = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state-streamed"), "--out", temp.Sub("out-streamed"), "--samples", "48",
            "--max-memory", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        var streamed = ScanMatrix.Read(temp.Sub("out-streamed"));
        Assert.Equal(whole.Ids, streamed.Ids);
        Assert.True(whole.MaxDifference(streamed) < 1e-6, $"scores moved by {whole.MaxDifference(streamed)}");

        var bad = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state-bad"), "--out", temp.Sub("out-bad"), "--max-memory", "lots");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'lots' is not a size", bad.Error);
    }

    [Fact]
    public void AHubThatDoesNotExistIsBadInputNamingIt()
    {
        using var temp = new TempDirectory();
        var run = Cli.Run("scan", temp.Sub("no-such-hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "16");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains(temp.Sub("no-such-hub"), run.Error);
        Assert.Contains("does not exist", run.Error);
    }

    static MatrixFile Scan(TempDirectory temp, string output)
    {
        var run = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub(output), "--samples", "48");
        Assert.True(run.ExitCode == 0, run.Error);
        return ScanMatrix.Read(temp.Sub(output));
    }
}
