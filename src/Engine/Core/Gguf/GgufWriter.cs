using System.Text;

namespace Reef.Engine.Gguf;

/// <summary>A tensor to write: its PyTorch-order shape, ggml type and the type's bytes.</summary>
public sealed record GgufTensorData(string Name, long[] Shape, GgmlType Type, byte[] Data)
{
    /// <summary>Bytes the tensor takes in the file: its data's, or more, the rest left a hole (sparse files of any claimed size, for tests).</summary>
    public long ByteLength { get; init; } = Data.LongLength;
}

/// <summary>
/// Writes GGUF version 3 files: metadata in the given order and typed by the CLR value (uint → UINT32, int → INT32,
/// long → INT64, ulong → UINT64, float → FLOAT32, double → FLOAT64, bool, string, and arrays of string, int, float), then
/// the tensor infos and the data, each tensor aligned. What the tests and the zoo's GGUF exports write.
/// </summary>
public static class GgufWriter
{
    public static void Write(string path, IReadOnlyList<(string Key, object Value)> metadata, IReadOnlyList<GgufTensorData> tensors, int alignment = 32)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(GgufFile.Magic);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            String(w, key);
            Value(w, value);
        }
        long offset = 0;
        var offsets = new List<long>();
        foreach (var t in tensors)
        {
            String(w, t.Name);
            w.Write((uint)t.Shape.Length);
            foreach (var d in t.Shape.Reverse()) w.Write((ulong)d);
            w.Write((uint)t.Type);
            w.Write((ulong)offset);
            offsets.Add(offset);
            offset = (offset + t.ByteLength + alignment - 1) / alignment * alignment;
        }
        Pad(w, alignment);
        var dataStart = stream.Position;
        for (var i = 0; i < tensors.Count; i++)
        {
            w.Flush();
            // Padding and holes are left unwritten: the file system reads them as zeros, and a claimed terabyte costs no disk.
            stream.Seek(dataStart + offsets[i], SeekOrigin.Begin);
            w.Write(tensors[i].Data);
        }
        w.Flush();
        stream.SetLength(dataStart + offset);
    }

    static void Pad(BinaryWriter w, int alignment)
    {
        while (w.BaseStream.Position % alignment != 0) w.Write((byte)0);
    }

    static void String(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    static void Value(BinaryWriter w, object value)
    {
        switch (value)
        {
            case uint v: w.Write(4u); w.Write(v); break;
            case int v: w.Write(5u); w.Write(v); break;
            case float v: w.Write(6u); w.Write(v); break;
            case bool v: w.Write(7u); w.Write((byte)(v ? 1 : 0)); break;
            case string v: w.Write(8u); String(w, v); break;
            case ulong v: w.Write(10u); w.Write(v); break;
            case long v: w.Write(11u); w.Write(v); break;
            case double v: w.Write(12u); w.Write(v); break;
            case string[] v: Array(w, 8u, v, x => String(w, x)); break;
            case int[] v: Array(w, 5u, v, w.Write); break;
            case float[] v: Array(w, 6u, v, w.Write); break;
            default: throw new ArgumentException($"GGUF has no type for a {value.GetType().Name}");
        }
    }

    static void Array<T>(BinaryWriter w, uint type, T[] values, Action<T> write)
    {
        w.Write(9u);
        w.Write(type);
        w.Write((ulong)values.Length);
        foreach (var v in values) write(v);
    }
}
