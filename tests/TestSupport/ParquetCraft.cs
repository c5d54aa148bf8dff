using System.Buffers.Binary;
using Reef.Client.Outputs;

namespace Reef.TestSupport;

/// <summary>
/// A real Parquet file with one claim changed, as a hostile hand would change it: an integer of the footer (row counts, a column
/// chunk's size) or of a page header (a page's size) set to what it should not be, everything else as written. Integers in
/// Thrift's compact protocol are varints, so a new value may change the length: the footer is rewritten with its new length, a
/// page header in the last column chunk (nothing but the footer follows it) is spliced in place.
/// </summary>
public static class ParquetCraft
{
    /// <summary>The file with the footer integer at <paramref name="path"/> (field ids; after a list field, the element's index) set to <paramref name="value"/>.</summary>
    public static byte[] SetFooterInteger(byte[] file, long value, params int[] path)
    {
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var footerStart = file.Length - 8 - footerLength;
        var footer = file.AsSpan(footerStart, footerLength).ToArray();
        var (offset, length) = Locate(footer, path);
        var rewritten = Splice(footer, offset, length, value);
        var result = new byte[footerStart + rewritten.Length + 8];
        file.AsSpan(0, footerStart).CopyTo(result);
        rewritten.CopyTo(result, footerStart);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(result.Length - 8), rewritten.Length);
        "PAR1"u8.CopyTo(result.AsSpan(result.Length - 4));
        return result;
    }

    /// <summary>The file with field <paramref name="field"/> of the first page header of the column chunk starting at <paramref name="chunkStart"/> set to <paramref name="value"/>.</summary>
    public static byte[] SetPageInteger(byte[] file, long chunkStart, int field, long value)
    {
        var header = file.AsSpan((int)chunkStart, Math.Min(4096, file.Length - (int)chunkStart)).ToArray();
        var (offset, length) = Locate(header, field);
        var spliced = Splice(file, (int)chunkStart + offset, length, value);
        return spliced;
    }

    /// <summary>Where the integer at <paramref name="path"/> of the struct that starts <paramref name="bytes"/> is: its varint's offset and length.</summary>
    public static (int Offset, int Length) Locate(byte[] bytes, params int[] path)
    {
        var reader = new ThriftCompactReader(bytes);
        return InStruct(ref reader, path, 0);
    }

    static (int, int) InStruct(ref ThriftCompactReader reader, int[] path, int at)
    {
        short last = 0;
        while (reader.ReadFieldHeader(ref last) is var (type, id) && type != ThriftCompactReader.Stop)
        {
            if (id != path[at])
            {
                reader.Skip(type);
                continue;
            }
            if (at == path.Length - 1)
            {
                var start = reader.Position;
                reader.ReadVarint();
                return (start, reader.Position - start);
            }
            if (type == ThriftCompactReader.Struct) return InStruct(ref reader, path, at + 1);
            var (element, count) = reader.ReadListHeader();
            if (path[at + 1] >= count) throw new ArgumentException($"field {id} holds {count} elements");
            for (var i = 0; i < path[at + 1]; i++) reader.Skip(element);
            return InStruct(ref reader, path, at + 2);
        }
        throw new ArgumentException($"no field {path[at]}");
    }

    static byte[] Splice(byte[] bytes, int offset, int length, long value)
    {
        var varint = new List<byte>();
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        do
        {
            var b = (byte)(zigzag & 0x7F);
            zigzag >>= 7;
            varint.Add(zigzag != 0 ? (byte)(b | 0x80) : b);
        } while (zigzag != 0);
        return [.. bytes.AsSpan(0, offset), .. varint, .. bytes.AsSpan(offset + length)];
    }
}
