using System.Buffers.Binary;
using System.Text;
using Reef.Engine.Gguf;

namespace Reef.Engine.Tests;

/// <summary>
/// A stranger's GGUF file is refused from its header, naming the file and the problem, before anything is allocated by
/// the sizes it claims: each case below is one way a file can lie.
/// </summary>
public class MalformedGgufTests
{
    const string Embedding = "token_embd.weight";
    const string Query = "blk.0.attn_q.weight";

    static readonly (string, object)[] Metadata =
    [
        ("general.architecture", "llama"),
        ("general.alignment", 32u),
        ("llama.context_length", 256u),
        ("tokenizer.ggml.tokens", new[] { "a", "b", "c" }),
        ("tokenizer.ggml.scores", new[] { 0f, -1f, -2f }),
    ];

    static GgufTensorData[] Tensors(GgmlType queryType = GgmlType.Q8_0, long queryRow = 64) =>
    [
        new(Embedding, [8, 32], GgmlType.F32, new byte[8 * 32 * 4]),
        new(Query, [4, queryRow], queryType, new byte[Math.Max(0, 4 * queryRow / (GgmlTypes.Layout(queryType)?.Values ?? 1) * (GgmlTypes.Layout(queryType)?.Bytes ?? 1))]),
    ];

    static string Write(TempDirectory temp, IReadOnlyList<(string, object)>? metadata = null, GgufTensorData[]? tensors = null, int alignment = 32)
    {
        var path = temp.Sub("model.gguf");
        GgufWriter.Write(path, metadata ?? Metadata, tensors ?? Tensors(), alignment);
        return path;
    }

    static void Patch(string path, Action<byte[]> edit)
    {
        var bytes = File.ReadAllBytes(path);
        edit(bytes);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Where the first occurrence of <paramref name="text"/> ends in the file.</summary>
    static int After(byte[] bytes, string text) => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) + Encoding.UTF8.GetByteCount(text);

    static void Refused(string path, string problem, InputLimits? limits = null)
    {
        var error = Assert.Throws<InvalidInputException>(() => GgufFile.Open(path, limits));
        Assert.Equal(path, error.File);
        Assert.Contains(problem, error.Reason);
    }

    [Fact]
    public void AWellFormedFileOpensWithItsMetadataAndTensors()
    {
        using var temp = new TempDirectory();
        var file = GgufFile.Open(Write(temp));
        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.String("general.architecture"));
        Assert.Equal(256, file.Integer("llama.context_length"));
        Assert.Equal(["a", "b", "c"], file.Array<string[]>("tokenizer.ggml.tokens")!);
        Assert.Equal([0.0, -1.0, -2.0], file.Array<double[]>("tokenizer.ggml.scores")!);
        Assert.Equal([8L, 32L], file.Tensors[Embedding].Shape);
        Assert.Equal([64L, 4L], file.Tensors[Query].Dimensions);
        Assert.Equal(4 * 2 * 34, file.Tensors[Query].ByteLength);
        Assert.All(file.TensorList, t => Assert.Equal(0, (t.Start - file.DataStart) % 32));
        var wrongType = Assert.Throws<InvalidInputException>(() => file.String("llama.context_length"));
        Assert.Contains("metadata 'llama.context_length' is not a string", wrongType.Message);
    }

    [Fact]
    public void TruncatedHeader()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..60]);
        Refused(path, "file ends inside the header");
    }

    [Fact]
    public void NotGguf()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => Encoding.ASCII.GetBytes("GGML").CopyTo(b, 0));
        Refused(path, "not a GGUF file");
    }

    [Fact]
    public void UnsupportedVersion()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 1));
        Refused(path, "GGUF version 1 is not supported");
    }

    [Fact]
    public void TensorCountPastWhatTheFileHolds()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), 1UL << 40));
        Refused(path, "tensor count is 1099511627776, more than any model has");
    }

    [Fact]
    public void KeyCountPastWhatTheFileHolds()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), 40_000));
        Refused(path, "file ends inside the header, reading metadata key count of 40000");
    }

    [Fact]
    public void StringLongerThanTheFile()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), 1UL << 62));
        Refused(path, "file ends inside the header, reading metadata key of 4611686018427387904 bytes");
    }

    [Fact]
    public void UnknownValueType()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(After(b, "general.architecture")), 99));
        Refused(path, "metadata 'general.architecture' has value type 99");
    }

    [Fact]
    public void ArrayCountPastWhatTheFileHolds()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        // tokenizer.ggml.scores: value type (4), element type (4), then the count.
        Patch(path, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(After(b, "tokenizer.ggml.scores") + 8), 1UL << 50));
        Refused(path, "metadata 'tokenizer.ggml.scores' holds 1125899906842624 values, more than the header could hold");
    }

    [Fact]
    public void DuplicateKey() =>
        RefusedWritten([.. Metadata, ("general.architecture", "gpt2")], null, "metadata key 'general.architecture' appears twice");

    [Fact]
    public void DuplicateTensor() =>
        RefusedWritten(null, [.. Tensors(), new(Embedding, [8, 32], GgmlType.F32, new byte[1024])], $"tensor '{Embedding}' appears twice");

    [Fact]
    public void TooManyDimensions() =>
        RefusedWritten(null, [new(Embedding, [2, 2, 2, 2, 2], GgmlType.F32, new byte[128])], "has 5 dimensions (1 to 4)");

    [Fact]
    public void TypeNotRead() =>
        RefusedWritten(null, [new(Embedding, [1, 256], GgmlType.IQ2_XXS, new byte[66])], "has type IQ2_XXS, which ReefCluster does not read");

    [Fact]
    public void RowsNotWholeBlocks() =>
        RefusedWritten(null, Tensors(GgmlType.Q8_0, queryRow: 48), "has rows of 48 values, not a multiple of Q8_0's block of 32");

    [Fact]
    public void SizeOverflows() =>
        RefusedWritten(null, [new(Embedding, [1L << 40, 1L << 40], GgmlType.F32, [])], "whose size overflows");

    [Fact]
    public void MisalignedTensor()
    {
        // Written at 16-byte alignment while the metadata promises 32: the second tensor starts at an odd 16.
        using var temp = new TempDirectory();
        var path = Write(temp, tensors: [new GgufTensorData(Embedding, [1, 12], GgmlType.F32, new byte[48]), Tensors()[1]], alignment: 16);
        Refused(path, $"tensor '{Query}' starts at data offset 48, not a multiple of the alignment 32");
    }

    [Fact]
    public void BadAlignment() =>
        RefusedWritten([.. Metadata.Where(m => m.Item1 != "general.alignment"), ("general.alignment", 24u)], null, "general.alignment is 24, not a power of two");

    [Fact]
    public void DataPastTheEnd()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        Refused(path, $"tensor '{Query}' (272 bytes at data offset 1024) runs past the end of the");
    }

    [Fact]
    public void OverlappingTensors()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        // The query's info: name, n_dims (4), two dims (16), type (4), then its offset: point it into the embedding.
        Patch(path, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(After(b, Query) + 4 + 16 + 4), 512));
        Refused(path, $"tensor '{Query}' overlaps tensor '{Embedding}'");
    }

    [Fact]
    public void KeyNotUtf8()
    {
        using var temp = new TempDirectory();
        var path = Write(temp);
        Patch(path, b => b[After(b, "general.architecture") - 1] = 0xFF);
        Refused(path, "is not valid UTF-8");
    }

    [Fact]
    public void HeaderPastTheLimit()
    {
        using var temp = new TempDirectory();
        Refused(Write(temp), "header is larger than the 64-byte limit (--max-header-bytes)", InputLimits.Default with { MaxHeaderBytes = 64 });
    }

    static void RefusedWritten(IReadOnlyList<(string, object)>? metadata, GgufTensorData[]? tensors, string problem)
    {
        using var temp = new TempDirectory();
        Refused(Write(temp, metadata, tensors), problem);
    }

    /// <summary>A model's metadata meets config.json's rules, and its tokenizer and tensors are held against it (quick versions of HostileModelTests' rows).</summary>
    [Fact]
    public void AModelsClaimsAreHeldAgainstEachOther()
    {
        using var temp = new TempDirectory();
        var source = TestModels.WriteLlamaWithMerges(temp.Sub("source"), layers: 1);
        var config = Reef.Engine.Checkpoints.Checkpoint.Open(source).Config;
        var tokenizer = Path.Combine(source, "tokenizer.json");
        string Write(GgufDraft draft) => draft.Write(temp.Sub($"m{Guid.NewGuid():N}.gguf"));
        void Model(GgufDraft draft, string problem, Func<GgufReader, object?>? use = null)
        {
            var path = Write(draft);
            var error = Assert.ThrowsAny<InvalidInputException>(() =>
            {
                using var reader = GgufReader.Open(path);
                use?.Invoke(reader);
            });
            Assert.Equal(path, error.File);
            Assert.Contains(problem, error.Reason);
        }
        Model(GgufDraft.Llama(config with { KvHeads = 3 }, tokenizer), "'llama.attention.head_count' 4 is not a multiple of 'llama.attention.head_count_kv' 3");
        Model(GgufDraft.Llama(config, tokenizer).Set("llama.attention.head_count_kv", (1UL << 32) + 2), "'llama.attention.head_count_kv' is 4294967298, not a count");
        Model(GgufDraft.Llama(config, tokenizer).Set("llama.attention.head_count_kv", 2.0f), "'llama.attention.head_count_kv' is not an integer");
        Model(GgufDraft.Llama(config, tokenizer).Set("llama.rope.freq_base", float.NaN), "'llama.rope.freq_base' is NaN");
        Model(GgufDraft.Llama(config, tokenizer).SetFloat("blk.0.attn_k.weight", 3, float.NegativeInfinity), "tensor 'blk.0.attn_k.weight' holds -Inf", r => r.ReadAll());
        var draft = GgufDraft.Llama(config, tokenizer);
        draft.Tensors.Add(new GgufTensorData("rope_freqs.weight", [32], GgmlType.F32, new byte[128]));
        Model(draft, "tensor 'rope_freqs.weight' is not part of a llama model");
        var tokens = GgufDraft.Llama(config, tokenizer).Get<string[]>("tokenizer.ggml.tokens");
        Model(GgufDraft.Llama(config, tokenizer).Set("tokenizer.ggml.tokens", tokens.Append("<extra>").ToArray()), $"holds {tokens.Length + 1} tokens, more than the {tokens.Length} rows", r => r.LoadTokenizer());
        Model(GgufDraft.Llama(config, tokenizer).Set("tokenizer.ggml.merges", new[] { "q zz" }), "entry 1 'q zz' is not two tokens", r => r.LoadTokenizer());

        // The valid one loads its tokenizer from an unlinked file: nothing is left behind.
        using var valid = GgufReader.Open(Write(GgufDraft.Llama(config, tokenizer)));
        var before = Directory.GetFiles(Path.GetTempPath(), "reef-tokenizer-*").Length;
        using var loaded = valid.LoadTokenizer();
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "reef-tokenizer-*").Length);
        Assert.NotEmpty(loaded!.Encode("The sky is blue."));
    }
}
