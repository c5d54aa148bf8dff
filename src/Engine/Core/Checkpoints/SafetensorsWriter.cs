using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// Writes tensors as safetensors, single-file or sharded with <c>model.safetensors.index.json</c>, the way
/// Hugging Face's save_pretrained lays them out (names sorted, offsets contiguous, header padded to 8 bytes).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> to one file.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, Dtype dtype,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata != null)
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        long offset = 0;
        var payloads = new List<Tensor>();
        try
        {
            foreach (var name in names)
            {
                var t = tensors[name].detach().to(Dtypes.ToTorch(dtype), CPU).contiguous();
                payloads.Add(t);
                var bytes = t.numel() * Dtypes.Size(dtype);
                header[name] = new JsonObject
                {
                    ["dtype"] = Dtypes.Name(dtype),
                    ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode?)s).ToArray()),
                    ["data_offsets"] = new JsonArray(offset, offset + bytes),
                };
                offset += bytes;
            }
            var json = Encoding.UTF8.GetBytes(header.ToJsonString());
            var padded = (json.Length + 7) / 8 * 8;
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var t in payloads) WriteBytes(stream, t);
        }
        finally
        {
            foreach (var t in payloads) t.Dispose();
        }
    }

    static void WriteBytes(Stream stream, Tensor t)
    {
        if (t.numel() == 0) return;
        using var flat = t.view(-1);
        var perChunk = Math.Max(1, (64 << 20) / (int)t.ElementSize);
        for (long at = 0; at < flat.numel(); at += perChunk)
        {
            using var piece = flat.narrow(0, at, Math.Min(perChunk, flat.numel() - at));
            stream.Write(piece.bytes);
        }
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> into <paramref name="directory"/>: one <c>model.safetensors</c> when
    /// <paramref name="shards"/> is 1, else <c>model-0000i-of-0000n.safetensors</c> files and the index.
    /// </summary>
    public static void WriteCheckpoint(string directory, IReadOnlyDictionary<string, Tensor> tensors, Dtype dtype, int shards = 1)
    {
        Directory.CreateDirectory(directory);
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        if (shards <= 1)
        {
            Write(Path.Combine(directory, "model.safetensors"), tensors, dtype, meta);
            return;
        }
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var map = new JsonObject();
        long total = 0;
        for (var s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
            var part = names.Where((_, i) => i * shards / names.Count == s).ToDictionary(n => n, n => tensors[n]);
            Write(Path.Combine(directory, file), part, dtype, meta);
            foreach (var n in part.Keys)
            {
                map[n] = file;
                total += part[n].numel() * Dtypes.Size(dtype);
            }
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(directory, Checkpoint.IndexFileName), index.ToJsonString(new() { WriteIndented = true }));
    }
}
