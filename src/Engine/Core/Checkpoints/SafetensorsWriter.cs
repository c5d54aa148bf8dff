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
        IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.Select(kv => (kv.Key, kv.Value.shape)).ToList(), dtype, name => tensors[name].detach(), metadata);

    /// <summary>
    /// Writes tensors of the given names and shapes to one file, making each only when its turn comes
    /// (<paramref name="make"/> returns a tensor the writer disposes), so a file larger than memory can be written.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, long[] Shape)> tensors, Dtype dtype, Func<string, Tensor> make,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata != null)
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        long offset = 0;
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        foreach (var (name, shape) in ordered)
        {
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * Dtypes.Size(dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = Dtypes.Name(dtype),
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode?)s).ToArray()),
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
        foreach (var (name, shape) in ordered)
        {
            using var made = make(name);
            if (!made.shape.SequenceEqual(shape))
                throw new ArgumentException($"tensor '{name}' was made with shape [{string.Join(", ", made.shape)}], not [{string.Join(", ", shape)}]");
            using var converted = made.to(Dtypes.ToTorch(dtype), CPU);
            using var contiguous = converted.contiguous();
            WriteBytes(stream, contiguous);
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
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var groups = names.Select((name, i) => (name, shard: i * shards / names.Count)).GroupBy(x => x.shard)
            .Select(g => (IReadOnlyList<(string, long[])>)g.Select(x => (x.name, tensors[x.name].shape)).ToList()).ToList();
        WriteShards(directory, groups, dtype, name => tensors[name].detach());
    }

    /// <summary>
    /// Writes a checkpoint larger than memory the way save_pretrained shards one: tensors in the model's order, a new shard
    /// whenever the next tensor would take the current one past <paramref name="maxShardBytes"/> (transformers' default is
    /// 5 GB); each tensor is made when its turn comes and disposed once written.
    /// </summary>
    public static void WriteCheckpoint(string directory, IReadOnlyList<(string Name, long[] Shape)> tensors, Dtype dtype, Func<string, Tensor> make,
        long maxShardBytes = 5_000_000_000)
    {
        var groups = new List<IReadOnlyList<(string, long[])>>();
        var current = new List<(string, long[])>();
        long size = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * Dtypes.Size(dtype);
            if (current.Count > 0 && size + bytes > maxShardBytes)
            {
                groups.Add(current);
                (current, size) = ([], 0);
            }
            current.Add((name, shape));
            size += bytes;
        }
        if (current.Count > 0) groups.Add(current);
        WriteShards(directory, groups, dtype, make);
    }

    static void WriteShards(string directory, IReadOnlyList<IReadOnlyList<(string Name, long[] Shape)>> shards, Dtype dtype, Func<string, Tensor> make)
    {
        Directory.CreateDirectory(directory);
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        if (shards.Count <= 1)
        {
            Write(Path.Combine(directory, "model.safetensors"), shards.SingleOrDefault() ?? [], dtype, make, meta);
            return;
        }
        var map = new JsonObject();
        long total = 0;
        for (var s = 0; s < shards.Count; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors";
            Write(Path.Combine(directory, file), shards[s], dtype, make, meta);
            foreach (var (name, shape) in shards[s])
            {
                map[name] = file;
                total += shape.Aggregate(1L, (a, b) => a * b) * Dtypes.Size(dtype);
            }
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(directory, Checkpoint.IndexFileName), index.ToJsonString(new() { WriteIndented = true }));
    }
}
