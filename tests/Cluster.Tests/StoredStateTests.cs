using System.Text.Json;
using Reef.Client.Outputs;

namespace Reef.Cluster.Tests;

/// <summary>
/// State written by an earlier version reads with this one: a registry, its scans and its models stored by the
/// layout before grain state had [Id] members and model facts (tests/data/state-v1), and that scan's output files.
/// </summary>
public sealed class StoredStateTests
{
    static string Fixture(string name) => Path.Combine(SharedData.Tests, name);

    [Fact]
    public void AStateFolderOfThePreviousLayoutReadsAndItsFingerprintsAreReused()
    {
        using var temp = new TempDirectory();
        CopyFolder(Fixture("state-v1"), temp.Sub("state"));

        // The old scan, as the old version left it.
        var status = Cli.Run("status", "--state", temp.Sub("state"), "--json");
        Assert.True(status.ExitCode == 0, status.Error);
        using (var scans = JsonDocument.Parse(status.Out))
        {
            var old = scans.RootElement.EnumerateArray().Single(s => s.GetProperty("scan").GetString() == "v1-scan");
            Assert.Equal("done", old.GetProperty("phase").GetString());
            Assert.Equal(6, old.GetProperty("models").GetInt32());
            Assert.Equal(6, old.GetProperty("done").GetInt32());
            Assert.Equal(5, old.GetProperty("extracted").GetInt32());
        }

        // The same checkpoints again (TestHub writes the same bytes): every stored fingerprint is found through the old
        // model states and store; the checkpoints are read once more only for the facts the old states lack.
        var ids = TestHub.Write(temp.Sub("hub"));
        var run = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "16", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var summary = ScanSummary.Parse(run.Out);
        Assert.Equal(ids.Count, summary.Fingerprinted);
        Assert.Equal(0, summary.Extracted);
        Assert.All(Directory.GetFiles(temp.Sub("state/store/counters/extractions")), c => Assert.Equal("1", File.ReadAllText(c)));

        var matrix = OutputFiles.ReadMatrix(temp.Sub("out"));
        Assert.All(matrix.Models, m => Assert.Equal("LlamaForCausalLM", m.Architecture));
        Assert.Equal(5, matrix.Models.Select(m => m.Fingerprint).Distinct().Count());

        // The old registry's tiles (format 1, no weight scores) were scored again: the weights are there now, and the
        // REEF scores equal what the old version wrote (in float64; tiles multiply in float32 now, within 1e-5).
        Assert.NotNull(matrix.Weights);
        Assert.True(matrix.Weights![matrix.Ids.ToList().IndexOf("family/source")][matrix.Ids.ToList().IndexOf("family/source.permute")] > 0.99);
        var before = OutputFiles.ReadMatrix(Fixture("outputs-v1"));
        Assert.True(matrix.MaxDifference(before) < 1e-5, $"scores moved by {matrix.MaxDifference(before)}");
    }

    /// <summary>
    /// Facts an earlier version stored for a GPT-2 or Phi-3 model say it has no weight signature; a rescan reads the
    /// checkpoint once more for one (and only for that: the stored fingerprints are reused, nothing is extracted).
    /// </summary>
    [Fact]
    public void ModelsStoredWithoutASignatureThisVersionCanGiveAreReadAgainForIt()
    {
        using var temp = new TempDirectory();
        var hub = temp.Sub("hub");
        var source = TestModels.Write(Path.Combine(hub, "gpt2-source"), Reef.Engine.Models.Architecture.Gpt2, seed: 3);
        Reef.Engine.Lab.Derivation.Permute.Apply(source, Path.Combine(hub, "gpt2-permuted"), seed: 5);
        TestModels.Write(Path.Combine(hub, "phi3"), Reef.Engine.Models.Architecture.Phi3, seed: 4);
        string[] Scan()
        {
            var run = Cli.Run("scan", hub, "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "16", "--json");
            Assert.True(run.ExitCode == 0, run.Error);
            var matrix = OutputFiles.ReadMatrix(temp.Sub("out"));
            var (a, b) = (matrix.Ids.ToList().IndexOf("gpt2-source"), matrix.Ids.ToList().IndexOf("gpt2-permuted"));
            Assert.NotNull(matrix.Weights);
            Assert.True(matrix.Weights![a][b] > 0.99, $"GPT-2 and its permutation: weight score {matrix.Weights[a][b]}");
            return [ScanSummary.Parse(run.Out).Extracted.ToString()];
        }
        Assert.Equal(["3"], Scan());

        // Make the stored facts (the model grains' and the registry's copy) look as an earlier version left them: version 0,
        // no signature, no weight evidence.
        var edited = 0;
        void Outdate(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is System.Text.Json.Nodes.JsonArray array)
                foreach (var item in array) Outdate(item);
            if (node is not System.Text.Json.Nodes.JsonObject json) return;
            if (json.ContainsKey("WeightSignatureKey"))
            {
                json.Remove("Version");
                json.Remove("WeightEvidenceKey");
                json["WeightSignatureKey"] = null;
                json["NoWeightSignature"] = "weight signature reads separate q/k/v/o and gate/up/down projections";
                edited++;
                return;
            }
            foreach (var (_, child) in json.ToList()) Outdate(child);
        }
        foreach (var file in Directory.GetFiles(temp.Sub("state/grains"), "*.grain"))
        {
            var bytes = File.ReadAllBytes(file);
            const int header = 24; // magic and etag
            var json = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(header))!;
            var before = edited;
            Outdate(json);
            if (edited > before) File.WriteAllBytes(file, [.. bytes.AsSpan(0, header), .. System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())]);
        }
        Assert.True(edited >= 6, $"{edited} stored facts found");
        Assert.Equal(["0"], Scan());
        // Every model state (and the registry's copy of its facts) has its signature and evidence again, under this version.
        var signed = 0;
        foreach (var file in Directory.GetFiles(temp.Sub("state/grains"), "*.grain"))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("\"WeightSignatureKey\":null", text);
            Assert.DoesNotContain("\"WeightEvidenceKey\":null", text);
            signed += System.Text.RegularExpressions.Regex.Count(text, $"\"Version\":{Reef.Grains.Abstractions.ModelFacts.CurrentVersion}");
        }
        Assert.True(signed >= 6, $"{signed} facts of version {Reef.Grains.Abstractions.ModelFacts.CurrentVersion}");
    }

    [Fact]
    public void OutputFilesWrittenBeforeTheyStatedAVersionReadAsVersionOne()
    {
        var matrix = OutputFiles.ReadMatrix(Fixture("outputs-v1"));
        Assert.Equal(1, matrix.FormatVersion);
        Assert.Equal(6, matrix.Ids.Count);
        Assert.Equal("v1-scan", matrix.Scan);
        var families = OutputFiles.ReadFamilies(Fixture("outputs-v1"));
        Assert.Equal(["family/source", "family/source.noise", "family/source.permute"], families.Families[0].Members);

        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("matrix.json"), File.ReadAllText(Path.Combine(Fixture("outputs-v1"), "matrix.json")).Replace("\"scan\":", "\"format_version\": 7, \"scan\":"));
        var e = Assert.Throws<Reef.Engine.InvalidInputException>(() => OutputFiles.ReadMatrix(temp.Path));
        Assert.Contains("format version 7", e.Message);
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
