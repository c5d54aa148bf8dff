using System.Buffers.Binary;
using Parquet;
using Reef.Engine;

namespace Reef.Client.Outputs;

/// <summary>
/// A Parquet file handed back to reef is as untrusted as a hub: the library reading it allocates what the footer and the page
/// headers claim (2⁶² rows, a 1 TB column chunk, 2 GB pages). So before it reads anything, the footer is walked within its
/// length, and every claim it and the page headers make is held against the file's length and a few plain limits: rows at most
/// the file's bytes (every table reef writes spends at least a byte a row), each column chunk inside the file, each page inside
/// its chunk and at most <see cref="MaxPageBytes"/> uncompressed. A file that fails is bad input naming it and the claim.
/// </summary>
public static class ParquetFileCheck
{
    /// <summary>The largest footer read (reef's are kilobytes: a few hundred bytes a row group).</summary>
    public const int MaxFooterBytes = 16 << 20;

    /// <summary>The largest page, uncompressed (reef's largest, 100,000 ids of a row group, are a few MB).</summary>
    public const int MaxPageBytes = 64 << 20;

    static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>
    /// Checks <paramref name="stream"/> (the file <paramref name="path"/>, open for reading), throwing <see cref="InvalidInputException"/>;
    /// returns the file's key-value metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Check(Stream stream, string path)
    {
        var length = stream.Length;
        if (length < 12) throw Bad(path, $"it is {length} bytes, shorter than a Parquet file's magic and footer length");
        Span<byte> edge = stackalloc byte[8];
        stream.Seek(0, SeekOrigin.Begin);
        stream.ReadExactly(edge[..4]);
        if (!edge[..4].SequenceEqual(Magic)) throw Bad(path, "it does not start with Parquet's magic PAR1");
        stream.Seek(length - 8, SeekOrigin.Begin);
        stream.ReadExactly(edge);
        if (!edge[4..].SequenceEqual(Magic)) throw Bad(path, "it does not end with Parquet's magic PAR1");
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(edge);
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooterBytes)
            throw Bad(path, $"it claims a footer of {footerLength} bytes in a file of {length} (at most {MaxFooterBytes} read)");
        var footerStart = length - 8 - footerLength;
        var footer = new byte[footerLength];
        stream.Seek(footerStart, SeekOrigin.Begin);
        stream.ReadExactly(footer);
        try
        {
            var walk = new ThriftCompactReader(footer);
            walk.Skip(ThriftCompactReader.Struct);
        }
        catch (Exception e) when (e is FormatException or OverflowException) { throw Bad(path, $"its footer is malformed ({e.Message})"); }

        // The footer is well-formed: every list it holds fits in it, so the library's parse of it is bounded. Now its claims.
        Parquet.Meta.FileMetaData metadata;
        Dictionary<string, string> custom;
        try
        {
            stream.Seek(0, SeekOrigin.Begin);
            var reader = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
            try
            {
                metadata = reader.Metadata ?? throw new FormatException("no metadata");
                custom = reader.CustomMetadata ?? [];
            }
            finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }
        catch (Exception e) when (e is not InvalidInputException and not OutOfMemoryException) { throw Bad(path, $"its footer is unreadable ({e.Message})"); }
        var rows = 0L;
        foreach (var (group, g) in metadata.RowGroups.Select((group, g) => (group, g)))
        {
            if (group.NumRows < 0 || group.NumRows > length) throw Bad(path, $"row group {g} claims {group.NumRows} rows in a file of {length} bytes");
            rows += group.NumRows;
            foreach (var chunk in group.Columns)
            {
                var column = chunk.MetaData ?? throw Bad(path, $"row group {g} has a column chunk without metadata");
                var name = string.Join('.', column.PathInSchema);
                if (column.NumValues < 0 || column.NumValues > group.NumRows)
                    throw Bad(path, $"column '{name}' of row group {g} claims {column.NumValues} values for {group.NumRows} rows");
                var start = column.DictionaryPageOffset is { } dictionary && dictionary > 0 ? dictionary : column.DataPageOffset;
                if (start < 4 || column.TotalCompressedSize <= 0 || column.TotalCompressedSize > footerStart - start)
                    throw Bad(path, $"column '{name}' of row group {g} claims {column.TotalCompressedSize} bytes at offset {start}, outside the {footerStart} bytes before the footer");
                Pages(stream, path, name, g, start, column.TotalCompressedSize, column.NumValues);
            }
        }
        if (metadata.NumRows != rows) throw Bad(path, $"its footer claims {metadata.NumRows} rows, but its row groups hold {rows}");
        return custom;
    }

    /// <summary>Walks a column chunk's pages: each header well-formed, each page inside the chunk, sizes and counts within bounds.</summary>
    static void Pages(Stream stream, string path, string column, int group, long start, long length, long values)
    {
        var header = new byte[(int)Math.Min(length, 64 << 10)];
        for (var at = start; at < start + length;)
        {
            var left = start + length - at;
            var span = header.AsSpan(0, (int)Math.Min(left, header.Length));
            stream.Seek(at, SeekOrigin.Begin);
            stream.ReadExactly(span);
            var (size, compressed, uncompressed, count) = PageHeader(span, path, column, group);
            if (compressed < 0 || compressed > left - size || uncompressed < 0 || uncompressed > MaxPageBytes || count < 0 || count > Math.Max(values, uncompressed))
                throw Bad(path, $"column '{column}' of row group {group} has a page at offset {at} claiming {compressed} bytes ({uncompressed} uncompressed, " +
                                $"{count} values) in a chunk with {left - size} bytes left (pages of at most {MaxPageBytes} bytes are read)");
            at += size + compressed;
        }
    }

    /// <summary>A PageHeader's length and claims: compressed and uncompressed size, and its values (data pages) or entries (dictionary pages).</summary>
    static (int Size, long Compressed, long Uncompressed, long Count) PageHeader(ReadOnlySpan<byte> bytes, string path, string column, int group)
    {
        try
        {
            var reader = new ThriftCompactReader(bytes);
            long compressed = -1, uncompressed = -1, count = 0;
            short last = 0;
            while (reader.ReadFieldHeader(ref last) is var (type, id) && type != ThriftCompactReader.Stop)
            {
                if (id is 2 or 3 && type == ThriftCompactReader.I32)
                {
                    var value = reader.ReadZigZag();
                    if (id == 2) uncompressed = value;
                    else compressed = value;
                }
                // data_page_header, dictionary_page_header, data_page_header_v2: their first field is num_values.
                else if (id is 5 or 7 or 8 && type == ThriftCompactReader.Struct) count = Math.Max(count, FirstInteger(ref reader));
                else reader.Skip(type);
            }
            if (compressed < 0 || uncompressed < 0) throw new FormatException("no page sizes");
            return (reader.Position, compressed, uncompressed, count);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Bad(path, $"column '{column}' of row group {group} has a malformed page header ({e.Message})");
        }
    }

    /// <summary>A struct's field 1 when it is an integer (skipping the rest of the struct).</summary>
    static long FirstInteger(ref ThriftCompactReader reader)
    {
        long first = 0;
        short last = 0;
        while (reader.ReadFieldHeader(ref last) is var (type, id) && type != ThriftCompactReader.Stop)
        {
            if (id == 1 && type is ThriftCompactReader.I32 or ThriftCompactReader.I64) first = reader.ReadZigZag();
            else reader.Skip(type, 1);
        }
        return first;
    }

    static InvalidInputException Bad(string path, string what) => new(path, $"not a Parquet table reef can read: {what}");
}
