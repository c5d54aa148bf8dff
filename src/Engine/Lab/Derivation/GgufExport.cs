using Reef.Engine.Checkpoints;
using Reef.Engine.Gguf;
using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// A Llama-family checkpoint re-uploaded as llama.cpp does it: a GGUF file in F32, F16 or BF16, tensors renamed and Q/K
/// rows reordered as convert_hf_to_gguf.py writes them, the tokenizer as <c>tokenizer.ggml.*</c>. llama.cpp's own
/// quantizer makes the quantized versions from it.
/// </summary>
public static class GgufExport
{
    public static void Write(string checkpointDirectory, string path, GgmlType type = GgmlType.F32)
    {
        if (type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16)) throw new ArgumentException($"export writes F32, F16 or BF16, not {type}");
        var checkpoint = Checkpoint.Open(checkpointDirectory);
        var c = checkpoint.Config;
        if (c.Architecture is not (Architecture.Llama or Architecture.Mistral) || c.AttentionBias || c.MlpBias || c.SlidingWindow != null)
            throw new InvalidInputException(checkpointDirectory, "GGUF export writes plain Llama checkpoints (no biases, no sliding window)");
        if (c.Rope is not { Type: "default" }) throw new InvalidInputException(checkpointDirectory, "GGUF export writes default RoPE only");
        var tokenizer = checkpoint.TokenizerPath ?? throw new InvalidInputException(checkpointDirectory, "has no tokenizer.json to export");
        var tensors = checkpoint.ReadAllTensors();
        try
        {
            GgufWriter.Write(path, Metadata(c, Path.GetFileName(Path.GetFullPath(checkpointDirectory)), tokenizer, checkpoint.Limits.MaxTokenizerBytes, type),
                Tensors(c, tensors, type));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The metadata llama.cpp's converter writes for a Llama model of <paramref name="c"/> with the byte-level BPE <paramref name="tokenizer"/>.</summary>
    public static List<(string Key, object Value)> Metadata(ModelConfig c, string name, string tokenizer, long maxTokenizerBytes, GgmlType type = GgmlType.F32)
    {
        var fileType = type switch { GgmlType.F32 => 0u, GgmlType.F16 => 1u, _ => 32u }; // llama_ftype: ALL_F32, MOSTLY_F16, MOSTLY_BF16
        var metadata = new List<(string, object)> { ("general.name", name), ("general.file_type", fileType) };
        metadata.AddRange(GgufLlamaLayout.Metadata(c));
        metadata.AddRange(GgufTokenizer.Metadata(tokenizer, maxTokenizerBytes));
        return metadata;
    }

    /// <summary>
    /// <paramref name="tensors"/> (Hugging Face names, a Llama model of <paramref name="c"/>) under llama.cpp's names, Q and K rows in
    /// its order, in <paramref name="type"/> (norms in F32, as llama.cpp keeps one-dimensional tensors).
    /// </summary>
    public static List<GgufTensorData> Tensors(ModelConfig c, IReadOnlyDictionary<string, Tensor> tensors, GgmlType type = GgmlType.F32)
    {
        var written = new List<GgufTensorData>();
        foreach (var (hf, gguf) in GgufLlamaLayout.Names(c))
        {
            using var scope = NewDisposeScope();
            var weight = tensors[hf].to(ScalarType.Float32);
            if (hf.EndsWith("q_proj.weight", StringComparison.Ordinal)) weight = GgufLlamaLayout.ToGguf(weight, c.Heads);
            if (hf.EndsWith("k_proj.weight", StringComparison.Ordinal)) weight = GgufLlamaLayout.ToGguf(weight, c.KvHeads);
            var stored = weight.dim() == 1 || type == GgmlType.F32 ? GgmlType.F32 : type;
            using var converted = weight.to(stored switch { GgmlType.F16 => ScalarType.Float16, GgmlType.BF16 => ScalarType.BFloat16, _ => ScalarType.Float32 }).contiguous();
            written.Add(new GgufTensorData(gguf, weight.shape, stored, converted.bytes.ToArray()));
        }
        return written;
    }
}
