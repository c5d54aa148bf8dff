using System.Buffers.Binary;

namespace Reef.Client.Outputs;

/// <summary>
/// Apache Thrift's compact protocol (what Parquet's footer and page headers are written in), read from a span that bounds it:
/// every length and count is held against the bytes left before anything is taken from it, nesting is limited, and any
/// violation is a <see cref="FormatException"/> with the offset. Enough to walk a footer before a library trusts it, and to
/// read a page header's sizes.
/// </summary>
public ref struct ThriftCompactReader(ReadOnlySpan<byte> bytes)
{
    /// <summary>Compact protocol type ids.</summary>
    public const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10,
        Map = 11, Struct = 12;

    /// <summary>Deeper than any Parquet structure nests (a schema is a flat list; statistics are three levels down).</summary>
    const int MaxDepth = 32;

    readonly ReadOnlySpan<byte> _bytes = bytes;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    int Left => _bytes.Length - Position;

    /// <summary>The next field's type and id (delta-coded against <paramref name="lastId"/>, which it updates); type <see cref="Stop"/> ends a struct.</summary>
    public (byte Type, short Id) ReadFieldHeader(ref short lastId)
    {
        var header = ReadByte();
        var type = (byte)(header & 0x0F);
        if (type == Stop) return (Stop, 0);
        var delta = header >> 4;
        lastId = delta != 0 ? (short)(lastId + delta) : checked((short)ReadZigZag());
        return (type, lastId);
    }

    /// <summary>An unsigned LEB128 varint of at most 64 bits.</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Error("a varint longer than 64 bits");
    }

    /// <summary>An i16, i32 or i64: a zigzag varint.</summary>
    public long ReadZigZag()
    {
        var v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>A list's or set's element type and count, the count held against the bytes left (every element takes one at least).</summary>
    public (byte ElementType, int Count) ReadListHeader()
    {
        var header = ReadByte();
        var count = (long)(header >> 4);
        if (count == 15) count = (long)ReadVarint();
        if (count > Left) throw Error($"a list of {count} elements in {Left} bytes");
        return ((byte)(header & 0x0F), (int)count);
    }

    /// <summary>Skips one value of <paramref name="type"/>, checking every length in it.</summary>
    public void Skip(byte type, int depth = 0)
    {
        if (depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth}");
        switch (type)
        {
            case True or False: break;
            case Byte: ReadByte(); break;
            case I16 or I32 or I64: ReadVarint(); break;
            case Double: Take(8); break;
            case Binary: Take(checked((int)Math.Min(ReadVarint(), int.MaxValue))); break;
            case List or Set:
                var (element, count) = ReadListHeader();
                for (var i = 0; i < count; i++)
                    if (element is True or False) ReadByte();
                    else Skip(element, depth + 1);
                break;
            case Map:
                var size = ReadVarint();
                if (size == 0) break;
                if (size > (ulong)Left / 2) throw Error($"a map of {size} entries in {Left} bytes");
                var kinds = ReadByte();
                for (ulong i = 0; i < size; i++)
                {
                    Skip((byte)(kinds >> 4), depth + 1);
                    Skip((byte)(kinds & 0x0F), depth + 1);
                }
                break;
            case Struct:
                short last = 0;
                while (ReadFieldHeader(ref last) is var (fieldType, _) && fieldType != Stop) Skip(fieldType, depth + 1);
                break;
            default: throw Error($"type {type}, which the compact protocol does not have");
        }
    }

    byte ReadByte() => Take(1)[0];

    ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Left) throw Error($"{count} bytes wanted, {Left} left");
        var taken = _bytes.Slice(Position, count);
        Position += count;
        return taken;
    }

    /// <summary>A double, as Thrift writes it (little-endian in the compact protocol).</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    FormatException Error(string what) => new($"{what} at byte {Position}");
}
