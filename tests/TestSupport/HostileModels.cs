using Reef.Engine.Checkpoints;
using Reef.Engine.Gguf;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.TestSupport;

/// <summary>
/// One hostile model file: where it is, what the command line must name in its error, and any options the case runs with.
/// </summary>
/// <param name="Name">The case, as the closing note's table names it.</param>
/// <param name="Path">The model: a GGUF file or a checkpoint folder.</param>
/// <param name="Problem">A fragment the error must contain (besides the file's path).</param>
/// <param name="File">The file the error must name (the model's path when null).</param>
/// <param name="Options">Extra options the case runs with (a memory budget).</param>
public sealed record HostileModel(string Name, string Path, string Problem, string? File = null, string[]? Options = null)
{
    public string Named => File ?? Path;
}

/// <summary>
/// What a hostile uploader puts on a hub, as real files: a valid GGUF Llama and a valid safetensors checkpoint, then one crafted
/// file per way in which a header field, count, type, weight or size can lie (the hardening issue's table, row by row). Each is
/// written beside the others so a hub scan meets them all at once.
/// </summary>
public static class HostileModels
{
    /// <summary>The valid models written beside the hostile ones (ids relative to the folder).</summary>
    public static readonly string[] Valid = ["valid.gguf", "valid-safetensors"];

    /// <summary>Writes every case into <paramref name="directory"/> (a hub) and returns them; the valid models are there too.</summary>
    public static IReadOnlyList<HostileModel> Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var source = TestModels.WriteLlamaWithMerges(System.IO.Path.Combine(directory, "valid-safetensors"), layers: 2);
        var config = Checkpoint.Open(source).Config;
        var tokenizer = System.IO.Path.Combine(source, "tokenizer.json");
        string At(string name) => System.IO.Path.Combine(directory, name);
        GgufDraft Draft(ModelConfig? c = null, GgmlType type = GgmlType.F32) => GgufDraft.Llama(c ?? config, tokenizer, type: type);
        Draft().Write(At("valid.gguf"));
        var vocab = (int)config.VocabSize;
        var cases = new List<HostileModel>
        {
            // One rule for every reader: the GGUF metadata meets config.json's rules.
            new("head_count_kv does not divide head_count", Draft(config with { KvHeads = 3 }).Write(At("kv-heads-3-of-4.gguf")), "head_count_kv"),
            new("odd head dimension", Draft(config with { HiddenSize = 60, HeadDim = 15 }).Write(At("odd-head-dim.gguf")), "odd"),
            new("more KV heads than heads", Draft(config with { Heads = 2, KvHeads = 4, HeadDim = 32 }).Write(At("kv-heads-4-of-2.gguf")), "head_count_kv"),
            new("head_count_kv = 2^32 + 2 (uint64)", Draft().Set("llama.attention.head_count_kv", (1UL << 32) + 2).Write(At("kv-heads-uint64.gguf")), "llama.attention.head_count_kv"),
            new("key_length = 2^32 + 16 (uint64)", Draft().Set("llama.attention.key_length", (1UL << 32) + 16).Write(At("key-length-uint64.gguf")), "llama.attention.key_length"),
            new("rms_norm_eps NaN", Draft().Set("llama.attention.layer_norm_rms_epsilon", float.NaN).Write(At("eps-nan.gguf")), "layer_norm_rms_epsilon"),
            new("rms_norm_eps negative", Draft().Set("llama.attention.layer_norm_rms_epsilon", -1e-5f).Write(At("eps-negative.gguf")), "layer_norm_rms_epsilon"),
            new("rope.freq_base 0", Draft().Set("llama.rope.freq_base", 0f).Write(At("rope-base-0.gguf")), "freq_base"),
            new("rope.freq_base NaN", Draft().Set("llama.rope.freq_base", float.NaN).Write(At("rope-base-nan.gguf")), "freq_base"),
            new("rope scaling factor 0", Draft().Set("llama.rope.scaling.type", "linear").Set("llama.rope.scaling.factor", 0f).Write(At("rope-factor-0.gguf")), "scaling.factor"),
            // Weights are checked as they are read.
            new("NaN in an F32 weight", Draft().SetFloat("blk.1.ffn_down.weight", 77, float.NaN).Write(At("nan-f32.gguf")), "'blk.1.ffn_down.weight' holds NaN"),
            new("+Inf in an F32 weight", Draft().SetFloat("blk.0.attn_v.weight", 5, float.PositiveInfinity).Write(At("inf-f32.gguf")), "'blk.0.attn_v.weight' holds +Inf"),
            new("NaN in an F16 weight", Draft(type: GgmlType.F16).Replace("blk.0.ffn_up.weight", t => WithBytes(t, 40, 0x00, 0x7E)).Write(At("nan-f16.gguf")), "'blk.0.ffn_up.weight' holds NaN"),
            new("NaN in a Q8_0 block scale", Draft().Quantize("blk.0.attn_q.weight", GgmlType.Q8_0).Replace("blk.0.attn_q.weight", t => WithBytes(t, 34 * 3, 0x00, 0x7E)).Write(At("nan-q8_0-scale.gguf")), "'blk.0.attn_q.weight' holds NaN"),
            new("-Inf in a Q4_0 block scale", Draft().Quantize("blk.1.ffn_gate.weight", GgmlType.Q4_0).Replace("blk.1.ffn_gate.weight", t => WithBytes(t, 18 * 5, 0x00, 0xFC)).Write(At("inf-q4_0-scale.gguf")), "'blk.1.ffn_gate.weight' holds -Inf"),
            new("NaN in the embedding", Draft().SetFloat("token_embd.weight", 64 * 300 + 3, float.NaN).Write(At("nan-embedding.gguf")), "'token_embd.weight' holds NaN"),
            new("finite weights of 1e38", Draft().SetFloat("blk.0.ffn_down.weight", 9, 1e38f).Write(At("huge-weight.gguf")), "'blk.0.ffn_down.weight' holds 1E+38"),
            // The tokenizer is held against the model, and its errors name the GGUF file.
            new("a merge naming a token not in the vocabulary", Draft().Set("tokenizer.ggml.merges", new[] { "Ġt he", "zz qq" }).Write(At("merge-unknown-token.gguf")), "'zz qq'"),
            new("vocabulary larger than the embedding", Draft().Set("tokenizer.ggml.tokens", Tokens(Draft(), vocab + 8)).Set("tokenizer.ggml.token_type", Enumerable.Repeat(1, vocab + 8).ToArray()).Write(At("vocab-past-embedding.gguf")), $"{vocab + 8} tokens"),
            new("BOS id past the embedding", Draft().Set("tokenizer.ggml.tokens", Tokens(Draft(), vocab + 8)).Set("tokenizer.ggml.token_type", Enumerable.Repeat(1, vocab + 8).ToArray())
                .Set("tokenizer.ggml.bos_token_id", (uint)(vocab + 4)).Set("tokenizer.ggml.add_bos_token", true).Write(At("bos-past-embedding.gguf")), $"{vocab + 8} tokens"),
            new("BOS id past the vocabulary", Draft().Set("tokenizer.ggml.bos_token_id", (uint)(vocab + 4)).Set("tokenizer.ggml.add_bos_token", true).Write(At("bos-past-vocabulary.gguf")),
                $"tokenizer.ggml.bos_token_id ({vocab + 4}) names none of its {vocab} tokens"),
            new("a 55 MB GGUF with 3.5 M tokens", Draft().Set("tokenizer.ggml.tokens", Tokens(Draft(), 3_500_000)).Set("tokenizer.ggml.token_type", Enumerable.Repeat(1, 3_500_000).ToArray()).Write(At("3.5M-tokens.gguf")), "3500000 tokens"),
            // Memory and time follow the bytes on disk.
            new("a sparse 4 GB GGUF with a huge vocabulary, --max-memory 256MB", HugeVocabulary(Draft(), At("sparse-4GB-vocabulary.gguf"), vocab), "'token_embd.weight'", Options: ["--max-memory", "256MB"]),
            new("a GGUF claiming a 1 TB embedding", TerabyteEmbedding(config, tokenizer, At("1TB-embedding.gguf")), "'token_embd.weight'"),
            new("a 16 GB sparse file with one unused tensor", WithTensor(Draft(), new GgufTensorData("junk.weight", [4L << 30], GgmlType.F32, []) { ByteLength = 16L << 30 }).Write(At("16GB-unused-tensor.gguf")), "'junk.weight'"),
            new("a small tensor the architecture does not use", WithTensor(Draft(), new GgufTensorData("blk.0.attn_rot_embd", [32], GgmlType.F32, new byte[128])).Write(At("unused-tensor.gguf")), "'blk.0.attn_rot_embd'"),
            // Safetensors meets the same rules.
            SafetensorsCase(At("nan-safetensors"), config, "NaN in a safetensors BF16 weight", Dtype.BF16, (name, t) => name == "model.layers.1.mlp.up_proj.weight" ? Poke(t, float.NaN) : t, "'model.layers.1.mlp.up_proj.weight' holds NaN"),
            SafetensorsCase(At("zero-weights"), config, "a model whose weights are all zero", Dtype.F32, (_, t) => zeros_like(t), "cannot be judged"),
        };
        return cases;
    }

    /// <summary>
    /// The valid GGUF model of <paramref name="directory"/> (see <see cref="Write"/>) again with an embedding of <paramref name="rows"/>
    /// rows, every byte of it on disk (the tokenizer's rows as in the valid model, the rest filler): a model larger than a small
    /// memory budget whose probes touch a few hundred rows.
    /// </summary>
    public static string WithLargeEmbedding(string directory, string path, int rows)
    {
        var source = System.IO.Path.Combine(directory, "valid-safetensors");
        var draft = GgufDraft.Llama(Checkpoint.Open(source).Config, System.IO.Path.Combine(source, "tokenizer.json"));
        var embedding = draft.Tensor("token_embd.weight");
        draft.Replace(embedding.Name, t => t with { Shape = [rows, t.Shape[1]], ByteLength = (long)rows * t.Shape[1] * 4 });
        draft.Tensors.RemoveAll(t => t.Name == "output.weight");
        draft.Write(path);
        // The embedding is the first tensor: its data starts where the data section does (GgufWriter aligns each tensor to 32).
        if (draft.Tensors[0].Name != embedding.Name) throw new InvalidOperationException("the embedding is not the first tensor");
        var dataStart = new FileInfo(path).Length - draft.Tensors.Sum(t => (t.ByteLength + 31) / 32 * 32);
        var (start, end) = (dataStart + embedding.Data.Length, dataStart + (long)rows * embedding.Shape[1] * 4);
        var random = new Random(5);
        var filler = Enumerable.Range(0, 1 << 20).SelectMany(_ => BitConverter.GetBytes((float)(random.NextDouble() - 0.5) * 0.3f)).ToArray();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Seek(start, SeekOrigin.Begin);
        for (var at = start; at < end; at += filler.Length) stream.Write(filler, 0, (int)Math.Min(filler.Length, end - at));
        return path;
    }

    /// <summary>The draft's tokens padded (or cut) to <paramref name="count"/> with distinct filler tokens.</summary>
    static string[] Tokens(GgufDraft draft, int count)
    {
        var tokens = draft.Get<string[]>("tokenizer.ggml.tokens");
        return tokens.Concat(Enumerable.Range(0, Math.Max(0, count - tokens.Length)).Select(i => $"<filler{i}>")).Take(count).ToArray();
    }

    static GgufTensorData WithBytes(GgufTensorData t, int at, params byte[] bytes)
    {
        var data = t.Data.ToArray();
        bytes.CopyTo(data, at);
        return t with { Data = data };
    }

    static GgufDraft WithTensor(GgufDraft draft, GgufTensorData tensor)
    {
        draft.Tensors.Add(tensor);
        return draft;
    }

    /// <summary>
    /// An embedding of 16 M rows (4 GB in F32) of which only the tokenizer's rows are on disk, the rest a hole: a file that claims
    /// far more bytes than the disk holds.
    /// </summary>
    static string HugeVocabulary(GgufDraft draft, string path, int vocab)
    {
        const int rows = 16_000_000;
        draft.Replace("token_embd.weight", t => t with { Shape = [rows, t.Shape[1]], ByteLength = (long)rows * t.Shape[1] * 4 });
        // Tied: the LM head is the embedding (a second 4 GB claim would only repeat the first).
        draft.Tensors.RemoveAll(t => t.Name == "output.weight");
        draft.Set("llama.vocab_size", (uint)rows);
        _ = vocab;
        return draft.Write(path);
    }

    /// <summary>A Llama of width 262,144 whose embedding claims 1,000,000 rows (1 TB in F32) in a sparse file.</summary>
    static string TerabyteEmbedding(ModelConfig config, string tokenizer, string path)
    {
        var wide = config with
        {
            HiddenSize = 262_144, Heads = 1, KvHeads = 1, HeadDim = 64, IntermediateSize = 64, Layers = 1, VocabSize = 1_000_000, TieWordEmbeddings = true,
        };
        var metadata = GgufExport.Metadata(wide, "crafted", tokenizer, 64L << 20);
        var names = GgufLlamaLayout.Names(wide);
        var tensors = new WeightPlan(wide, FamilyLayout.For(Architecture.Llama)).All()
            .Select(t => new GgufTensorData(names[t.Name], t.Shape, GgmlType.F32, []) { ByteLength = t.Shape.Aggregate(4L, (a, b) => a * b) })
            .ToList();
        GgufWriter.Write(path, metadata, tensors);
        return path;
    }

    static Tensor Poke(Tensor t, float value)
    {
        var copy = t.clone();
        copy.view(-1)[7] = value;
        return copy;
    }

    static HostileModel SafetensorsCase(string directory, ModelConfig config, string name, Dtype dtype, Func<string, Tensor, Tensor> edit, string problem)
    {
        var weights = RandomModel.Weights(config, 3, std: 0.15);
        var edited = weights.ToDictionary(kv => kv.Key, kv => edit(kv.Key, kv.Value));
        try
        {
            ConfigWriter.Write(directory, config, dtype == Dtype.BF16 ? "bfloat16" : "float32");
            SafetensorsWriter.WriteCheckpoint(directory, edited, dtype, 1);
            Reef.Engine.Tokenization.ByteLevelTokenizer.Write(directory);
        }
        finally
        {
            foreach (var t in weights.Values.Concat(edited.Values).Where(t => !t.IsInvalid)) t.Dispose();
        }
        return new HostileModel(name, directory, problem);
    }
}
