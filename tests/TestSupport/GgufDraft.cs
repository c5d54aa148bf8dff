using System.Buffers.Binary;
using Reef.Engine.Gguf;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.TestSupport;

/// <summary>
/// A llama.cpp GGUF model as lists of metadata and tensors, to edit before it is written: the valid Llama file every crafted
/// one starts from (metadata and tensors as llama.cpp's converter writes them), then one field, value or byte pushed out of
/// range. Nothing here checks anything: a draft may hold whatever a hostile uploader would write.
/// </summary>
public sealed class GgufDraft
{
    GgufDraft(List<(string Key, object Value)> metadata, List<GgufTensorData> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    public List<(string Key, object Value)> Metadata { get; }
    public List<GgufTensorData> Tensors { get; }

    /// <summary>
    /// A random Llama of <paramref name="config"/> with the byte-level BPE <paramref name="tokenizer"/>; weights in
    /// <paramref name="type"/>. Q and K rows are put in llama.cpp's order where the head size allows (it does not for an odd one).
    /// </summary>
    public static GgufDraft Llama(ModelConfig config, string tokenizer, long seed = 1, GgmlType type = GgmlType.F32)
    {
        var weights = RandomModel.Weights(config, seed, std: 0.15);
        try
        {
            var metadata = GgufExport.Metadata(config, "crafted", tokenizer, 64L << 20, type);
            if (config.HeadDim % 2 == 0) return new GgufDraft(metadata, GgufExport.Tensors(config, weights, type));
            var tensors = GgufLlamaLayout.Names(config).Select(n =>
            {
                using var contiguous = weights[n.Key].contiguous();
                return new GgufTensorData(n.Value, contiguous.shape, GgmlType.F32, contiguous.bytes.ToArray());
            }).ToList();
            return new GgufDraft(metadata, tensors);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> (typed by its CLR type, as <see cref="GgufWriter"/> writes it).</summary>
    public GgufDraft Set(string key, object value)
    {
        var at = Metadata.FindIndex(m => m.Key == key);
        if (at >= 0) Metadata[at] = (key, value);
        else Metadata.Add((key, value));
        return this;
    }

    public T Get<T>(string key) => (T)Metadata.Single(m => m.Key == key).Value;

    public GgufTensorData Tensor(string name) => Tensors.Single(t => t.Name == name);

    /// <summary>Replaces tensor <paramref name="name"/> with what <paramref name="edit"/> makes of it.</summary>
    public GgufDraft Replace(string name, Func<GgufTensorData, GgufTensorData> edit)
    {
        var at = Tensors.FindIndex(t => t.Name == name);
        Tensors[at] = edit(Tensors[at]);
        return this;
    }

    /// <summary>Sets float32 value <paramref name="index"/> of an F32 tensor.</summary>
    public GgufDraft SetFloat(string name, int index, float value) => Replace(name, t =>
    {
        var data = t.Data.ToArray();
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(index * 4), value);
        return t with { Data = data };
    });

    /// <summary>An F32 tensor stored as <paramref name="type"/> (Q8_0 or Q4_0, by llama.cpp's reference quantizers).</summary>
    public GgufDraft Quantize(string name, GgmlType type) => Replace(name, t =>
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.Data).ToArray();
        return t with { Type = type, Data = type == GgmlType.Q8_0 ? Q8_0(values) : Q4_0(values) };
    });

    public string Write(string path)
    {
        GgufWriter.Write(path, Metadata, Tensors);
        return path;
    }

    // quantize_row_q8_0_ref: d = amax / 127, q = round(x / d).
    static byte[] Q8_0(float[] x)
    {
        var output = new byte[x.Length / 32 * 34];
        for (var b = 0; b < x.Length / 32; b++)
        {
            var block = x.AsSpan(b * 32, 32);
            var amax = 0f;
            foreach (var v in block) amax = Math.Max(amax, Math.Abs(v));
            var d = amax / 127;
            BinaryPrimitives.WriteHalfLittleEndian(output.AsSpan(b * 34), (Half)d);
            for (var j = 0; j < 32; j++) output[b * 34 + 2 + j] = (byte)(sbyte)Math.Round(d == 0 ? 0 : block[j] / d);
        }
        return output;
    }

    // quantize_row_q4_0_ref: d = max / −8 (max the value of largest magnitude), q = min(15, (int)(x / d + 8.5)).
    static byte[] Q4_0(float[] x)
    {
        var output = new byte[x.Length / 32 * 18];
        for (var b = 0; b < x.Length / 32; b++)
        {
            var block = x.AsSpan(b * 32, 32);
            var max = 0f;
            foreach (var v in block) if (Math.Abs(v) > Math.Abs(max)) max = v;
            var d = max / -8;
            var id = d == 0 ? 0 : 1 / d;
            BinaryPrimitives.WriteHalfLittleEndian(output.AsSpan(b * 18), (Half)d);
            for (var j = 0; j < 16; j++)
            {
                var low = Math.Min(15, (int)(block[j] * id + 8.5f));
                var high = Math.Min(15, (int)(block[j + 16] * id + 8.5f));
                output[b * 18 + 2 + j] = (byte)(low | (high << 4));
            }
        }
        return output;
    }
}
