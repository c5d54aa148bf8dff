using Reef.Engine.Lab.Derivation;

namespace Reef.TestSupport;

/// <summary>
/// Small hubs of real checkpoints for the scan tests: a source with derivatives, unrelated models, the same
/// model again in the Hugging Face cache layout (identical content under a second id), and broken checkpoints.
/// </summary>
public static class TestHub
{
    /// <summary>Writes the hub and returns the ids of its good models. <paramref name="extra"/> adds more unrelated models (longer scans).</summary>
    public static IReadOnlyList<string> Write(string hub, int hidden = 64, int layers = 4, int extra = 0)
    {
        var config = RandomModel.SmallLlama(hidden: hidden, layers: layers, heads: 4, kvHeads: 2, ffn: hidden * 2);
        var source = Path.Combine(hub, "family", "source");
        RandomModel.WriteCheckpoint(source, config, seed: 1, std: 0.15);
        Permute.Apply(source, Path.Combine(hub, "family", "source.permute"), seed: 5);
        GaussianNoise.Apply(source, Path.Combine(hub, "family", "source.noise"), 0.02, seed: 6);
        RandomModel.WriteCheckpoint(Path.Combine(hub, "other-a"), config, seed: 2, std: 0.15);
        RandomModel.WriteCheckpoint(Path.Combine(hub, "other-narrow"), RandomModel.SmallLlama(hidden: 32, layers: 3, heads: 4, kvHeads: 2, ffn: 64), seed: 3, std: 0.15);
        var snapshot = Path.Combine(hub, "models--acme--twin", "snapshots", "0123abcd");
        CopyFolder(Path.Combine(hub, "other-a"), snapshot);
        var ids = new List<string> { "acme/twin@0123abcd", "family/source", "family/source.noise", "family/source.permute", "other-a", "other-narrow" };
        for (var i = 0; i < extra; i++)
        {
            RandomModel.WriteCheckpoint(Path.Combine(hub, $"extra-{i:D2}"), config, seed: 100 + i, std: 0.15);
            ids.Add($"extra-{i:D2}");
        }
        return ids.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Adds broken checkpoints; returns id → a fragment its failure reason must contain.</summary>
    public static IReadOnlyDictionary<string, string> AddBroken(string hub)
    {
        var good = Path.Combine(hub, "other-a");
        var broken = Path.Combine(hub, "broken");

        var badJson = Path.Combine(broken, "bad-json");
        CopyFolder(good, badJson);
        File.WriteAllText(Path.Combine(badJson, "config.json"), "{\"architectures\": [\"LlamaForCausalLM\"");

        var truncated = Path.Combine(broken, "truncated");
        CopyFolder(good, truncated);
        var weights = Directory.GetFiles(truncated, "*.safetensors").Single();
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);

        var unsupported = Path.Combine(broken, "unsupported");
        CopyFolder(good, unsupported);
        var config = File.ReadAllText(Path.Combine(unsupported, "config.json")).Replace("LlamaForCausalLM", "BertModel").Replace("\"llama\"", "\"bert\"");
        File.WriteAllText(Path.Combine(unsupported, "config.json"), config);

        var pickle = Path.Combine(broken, "pickle-only");
        Directory.CreateDirectory(pickle);
        File.Copy(Path.Combine(good, "config.json"), Path.Combine(pickle, "config.json"));
        File.WriteAllBytes(Path.Combine(pickle, "pytorch_model.bin"), [0x80, 0x02]);

        return new Dictionary<string, string>
        {
            ["broken/bad-json"] = "config.json", ["broken/truncated"] = ".safetensors", ["broken/unsupported"] = "BertModel", ["broken/pickle-only"] = "pickle",
        };
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
