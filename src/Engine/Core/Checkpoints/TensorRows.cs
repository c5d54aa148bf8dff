namespace Reef.Engine.Checkpoints;

/// <summary>
/// Some rows of a stored matrix, whatever its format: the whole tensor streams past once, a slice of whole rows at a time
/// through a bounded buffer — each slice handed over first (to be checked and hashed), then the wanted rows in it — so a table
/// of any height costs the rows asked for, and its bytes are read once.
/// </summary>
public static class TensorRows
{
    /// <summary>
    /// Streams <paramref name="rowCount"/> rows of <paramref name="rowBytes"/> each from <paramref name="start"/> of
    /// <paramref name="stream"/>: <paramref name="slice"/> sees every slice, <paramref name="take"/> each of <paramref name="wanted"/>
    /// (ascending, distinct) as (its index in <paramref name="wanted"/>, its bytes). A stream that ends early throws <see cref="EndOfStreamException"/>.
    /// </summary>
    public static void Stream(Stream stream, long start, long rowCount, long rowBytes, int bufferBytes, long[] wanted,
        SpanAction slice, RowAction take)
    {
        var perSlice = Math.Max(1, bufferBytes / rowBytes);
        var buffer = new byte[perSlice * rowBytes];
        stream.Seek(start, SeekOrigin.Begin);
        var next = 0;
        for (long at = 0; at < rowCount; at += perSlice)
        {
            var count = Math.Min(perSlice, rowCount - at);
            var bytes = buffer.AsSpan(0, (int)(count * rowBytes));
            stream.ReadExactly(bytes);
            slice(bytes);
            for (; next < wanted.Length && wanted[next] < at + count; next++)
                take(next, bytes.Slice((int)((wanted[next] - at) * rowBytes), (int)rowBytes));
        }
    }

    public delegate void SpanAction(ReadOnlySpan<byte> bytes);

    public delegate void RowAction(int index, ReadOnlySpan<byte> row);
}
