using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Reef.Engine;
using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;

namespace Reef.Client.Tests;

/// <summary>
/// Every way a checkpoint can be broken gives exit code 3 and a message naming the file and the problem,
/// with no crash, and without allocating beyond the file's size.
/// </summary>
public class MalformedInputTests
{
    /// <summary>One malformed checkpoint: how to break a valid one, and what the message must say.</summary>
    public sealed record Case(string Name, Action<string> Break, string Expected, string FileInMessage)
    {
        public override string ToString() => Name;
    }

    static readonly byte[] EightFloats = new byte[32];

    /// <summary>Writes model.safetensors with a raw header and payload (header length as declared, or its real length).</summary>
    static void RawSafetensors(string dir, string header, byte[] data, ulong? declaredLength = null, byte[]? headerBytes = null)
    {
        var h = headerBytes ?? Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(Path.Combine(dir, "model.safetensors"));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, declaredLength ?? (ulong)h.Length);
        stream.Write(length);
        stream.Write(h);
        stream.Write(data);
    }

    static void OnlyWeights(string dir)
    {
        foreach (var f in Directory.GetFiles(dir, "*.safetensors")) File.Delete(f);
        var index = Path.Combine(dir, Checkpoint.IndexFileName);
        if (File.Exists(index)) File.Delete(index);
    }

    static void Sharded(string dir, Action<JsonObject> editIndex)
    {
        OnlyWeights(dir);
        var config = Reef.Engine.Checkpoints.ConfigReader.Read(Path.Combine(dir, "config.json"));
        var weights = RandomModel.Weights(config, 1);
        SafetensorsWriter.WriteCheckpoint(dir, weights, Dtype.F32, shards: 2);
        var indexPath = Path.Combine(dir, Checkpoint.IndexFileName);
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        editIndex(index);
        File.WriteAllText(indexPath, index.ToJsonString());
    }

    static readonly string Entry = "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}";

    public static TheoryData<Case> Cases() =>
    [
        new Case("truncated file", d => { OnlyWeights(d); File.WriteAllBytes(Path.Combine(d, "model.safetensors"), [1, 2, 3]); }, "HeaderTooSmall", "model.safetensors"),
        new Case("lying header length", d => { OnlyWeights(d); RawSafetensors(d, "{" + Entry + "}", new byte[16], declaredLength: 5000); }, "InvalidHeaderLength", "model.safetensors"),
        new Case("oversized header", d => { OnlyWeights(d); RawSafetensors(d, "{}", [], declaredLength: 200_000_000); }, "HeaderTooLarge", "model.safetensors"),
        new Case("overlapping offsets", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", new byte[24]); }, "overlaps", "model.safetensors"),
        new Case("gapped offsets", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", new byte[24]); }, "gap", "model.safetensors"),
        new Case("out-of-bounds offsets", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", new byte[16]); }, "past the 16-byte data section", "model.safetensors"),
        new Case("dtype-size mismatch", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[16]); }, "TensorInvalidInfo", "model.safetensors"),
        new Case("non-UTF-8 header", d => { OnlyWeights(d); RawSafetensors(d, "", [], headerBytes: [0x7B, 0xFF, 0xFE, 0x7D]); }, "UTF-8", "model.safetensors"),
        new Case("non-JSON header", d => { OnlyWeights(d); RawSafetensors(d, "this is not json", []); }, "InvalidHeaderJson", "model.safetensors"),
        new Case("header is a JSON array", d => { OnlyWeights(d); RawSafetensors(d, "[1,2]", []); }, "not an object", "model.safetensors"),
        new Case("duplicate names", d => { OnlyWeights(d); RawSafetensors(d, "{" + Entry + "," + Entry.Replace("[0,16]", "[16,32]") + "}", EightFloats); }, "DuplicateTensor", "model.safetensors"),
        new Case("unknown dtype", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"F4\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[16]); }, "unsupported dtype 'F4'", "model.safetensors"),
        new Case("negative offset", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-16,0]}}", new byte[16]); }, "non-negative integer", "model.safetensors"),
        new Case("trailing bytes after the data", d => { OnlyWeights(d); RawSafetensors(d, "{" + Entry + "}", new byte[20]); }, "MetadataIncompleteBuffer", "model.safetensors"),
        new Case("shape overflows", d => { OnlyWeights(d); RawSafetensors(d, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4611686018427387904],\"data_offsets\":[0,16]}}", new byte[16]); }, "ValidationOverflow", "model.safetensors"),
        new Case("shape contradicts config", d =>
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(d, "config.json")))!.AsObject();
            config["intermediate_size"] = 100;
            File.WriteAllText(Path.Combine(d, "config.json"), config.ToJsonString());
        }, "config.json implies", "model.safetensors"),
        new Case("tensor missing", d =>
        {
            var c = Checkpoint.Open(d);
            var tensors = c.ReadAllTensors();
            tensors.Remove("model.layers.1.mlp.up_proj.weight");
            SafetensorsWriter.WriteCheckpoint(d, tensors, Dtype.F32);
        }, "'model.layers.1.mlp.up_proj.weight' is missing", ""),
        new Case("shard outside the folder", d => Sharded(d, index => index["weight_map"]!["model.norm.weight"] = "../evil.safetensors"), "outside the checkpoint folder", "model.safetensors.index.json"),
        new Case("missing shard", d => Sharded(d, index => index["weight_map"]!["model.norm.weight"] = "model-00009-of-00009.safetensors"), "does not exist", "model.safetensors.index.json"),
        new Case("index names a tensor its shard lacks", d => Sharded(d, index => index["weight_map"]!["no.such.tensor"] = "model-00001-of-00002.safetensors"), "does not contain it", "model.safetensors.index.json"),
        new Case("unsupported architecture", d =>
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(d, "config.json")))!.AsObject();
            config["architectures"] = new JsonArray("MambaForCausalLM");
            config["model_type"] = "mamba";
            File.WriteAllText(Path.Combine(d, "config.json"), config.ToJsonString());
        }, "unsupported architecture 'MambaForCausalLM'", "config.json"),
        new Case("config is not JSON", d => File.WriteAllText(Path.Combine(d, "config.json"), "{ nope"), "not valid JSON", "config.json"),
        new Case("config lacks a size", d =>
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(d, "config.json")))!.AsObject();
            config.Remove("hidden_size");
            File.WriteAllText(Path.Combine(d, "config.json"), config.ToJsonString());
        }, "no 'hidden_size'", "config.json"),
        new Case("pickle only", d => { OnlyWeights(d); File.WriteAllBytes(Path.Combine(d, "pytorch_model.bin"), [0x80, 0x02]); }, "pickle", ""),
        new Case("unsupported rope scaling", d =>
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(d, "config.json")))!.AsObject();
            config["rope_scaling"] = new JsonObject { ["type"] = "longrope" };
            File.WriteAllText(Path.Combine(d, "config.json"), config.ToJsonString());
        }, "longrope", "config.json"),
    ];

    [Fact]
    public void Gpt2AttentionScaleVariantsAreRefused()
    {
        using var temp = new TempDirectory();
        var dir = TestModels.Write(temp.Sub("gpt2"), Reef.Engine.Models.Architecture.Gpt2);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!.AsObject();
        config["scale_attn_by_inverse_layer_idx"] = true;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var result = Cli.Run("fingerprint", dir, "--samples", "8");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("scale_attn_by_inverse_layer_idx", result.Error);
    }

    static string ValidCheckpoint(TempDirectory temp)
    {
        var dir = temp.Sub("model");
        RandomModel.WriteCheckpoint(dir, RandomModel.SmallLlama(hidden: 16, layers: 2, heads: 2, kvHeads: 1, ffn: 32), seed: 1);
        return dir;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExitsThreeNamingTheFileAndTheProblem(Case c)
    {
        using var temp = new TempDirectory();
        var dir = ValidCheckpoint(temp);
        c.Break(dir);
        var result = Cli.Run("fingerprint", dir, "--samples", "8", "--out", temp.Sub("out.reef"));
        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}; stderr: {result.Error}");
        Assert.Contains(c.Expected, result.Error);
        Assert.Contains(Path.Combine(dir, c.FileInMessage).TrimEnd('/'), result.Error);
        Assert.StartsWith("reef: bad input: ", result.Error);
        Assert.False(File.Exists(temp.Sub("out.reef")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidationAllocatesNoMoreThanTheFiles(Case c)
    {
        using var temp = new TempDirectory();
        var dir = ValidCheckpoint(temp);
        c.Break(dir);
        var onDisk = Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.ThrowsAny<InvalidInputException>(() => Reef.Engine.Models.DecoderWeights.Validate(Checkpoint.Open(dir)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Fixed overhead for JSON parsing and messages; nothing proportional to a lying header or shape.
        Assert.True(allocated <= onDisk + (2 << 20), $"allocated {allocated} bytes for {onDisk} bytes of files");
    }
}
