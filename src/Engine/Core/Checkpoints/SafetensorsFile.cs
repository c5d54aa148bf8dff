using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// A validated safetensors file. <see cref="Open"/> checks everything the reference parser checks
/// (huggingface/safetensors, tensor.rs) from the header alone, before any tensor memory is allocated;
/// <see cref="Read"/> then reads one tensor straight into its destination, so the weights are never held twice.
/// </summary>
public sealed class SafetensorsFile
{
    /// <summary>The reference implementation's limit on the JSON header (the default of <see cref="InputLimits.MaxHeaderBytes"/>).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    const int ChunkBytes = 64 << 20;

    SafetensorsFile(string path, long fileLength, long dataStart, IReadOnlyDictionary<string, TensorEntry> tensors,
        IReadOnlyDictionary<string, string> metadata, byte[] headerDigest)
    {
        HeaderDigest = headerDigest;
        Path = path;
        FileLength = fileLength;
        DataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Where the file is.</summary>
    public string Path { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Absolute offset where the tensor data starts (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>The tensors, by name.</summary>
    public IReadOnlyDictionary<string, TensorEntry> Tensors { get; }

    /// <summary>The optional <c>__metadata__</c> string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>SHA-256 of the file's first <see cref="DataStart"/> bytes (length and header), taken as they were read.</summary>
    public byte[] HeaderDigest { get; }

    /// <summary>Reads and validates the header of <paramref name="path"/>, refusing one over <paramref name="maxHeaderBytes"/>.</summary>
    public static SafetensorsFile Open(string path, long maxHeaderBytes = MaxHeaderBytes)
    {
        using var stream = InputFiles.OpenRegular(path, "weight file");
        var fileLength = stream.Length;
        if (fileLength < 8)
            throw Fail(path, SafetensorsError.HeaderTooSmall, $"file is {fileLength} bytes, shorter than the 8-byte header length");

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var declared = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (declared > (ulong)maxHeaderBytes)
            throw Fail(path, SafetensorsError.HeaderTooLarge, $"header length {declared} exceeds the {maxHeaderBytes}-byte limit (--max-header-bytes)");
        var headerLength = (long)declared;
        if (8 + headerLength > fileLength)
            throw Fail(path, SafetensorsError.InvalidHeaderLength,
                $"header length {headerLength} runs past the end of the {fileLength}-byte file");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        string json;
        try { json = new UTF8Encoding(false, true).GetString(header); }
        catch (DecoderFallbackException) { throw Fail(path, SafetensorsError.InvalidHeaderUtf8, "header is not valid UTF-8"); }

        var dataStart = 8 + headerLength;
        var (tensors, metadata) = ParseHeader(path, json, dataStart, fileLength - dataStart);
        InputFiles.CheckOnDisk(stream, path, tensors.Values.Select(t => (t.Name, t.Start, t.ByteLength)));
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        digest.AppendData(lengthBytes);
        digest.AppendData(header);
        return new SafetensorsFile(path, fileLength, dataStart, tensors, metadata, digest.GetHashAndReset());
    }

    static (Dictionary<string, TensorEntry>, Dictionary<string, string>) ParseHeader(string path, string json, long dataStart, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.TrimEnd(' ')); }
        catch (JsonException e) { throw Fail(path, SafetensorsError.InvalidHeaderJson, $"header is not JSON ({e.Message})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw Fail(path, SafetensorsError.InvalidHeaderJson, $"header is a JSON {doc.RootElement.ValueKind}, not an object");

        var entries = new List<(string Name, Dtype Dtype, long[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw Fail(path, SafetensorsError.DuplicateTensor, $"tensor '{property.Name}' appears twice in the header");
            if (property.Name == "__metadata__")
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw Fail(path, SafetensorsError.InvalidHeaderJson, "__metadata__ is not an object");
                foreach (var m in property.Value.EnumerateObject())
                {
                    if (m.Value.ValueKind != JsonValueKind.String)
                        throw Fail(path, SafetensorsError.InvalidHeaderJson, $"__metadata__ value '{m.Name}' is not a string");
                    metadata[m.Name] = m.Value.GetString()!;
                }
                continue;
            }
            entries.Add(ParseEntry(path, property));
        }

        // Offsets must tile the data section exactly: sorted, contiguous from 0, no overlap, no gap.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        var tensors = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (e.End < e.Begin)
                throw Fail(path, SafetensorsError.InvalidOffset, $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] that end before they begin");
            if (e.Begin < expected)
                throw Fail(path, SafetensorsError.InvalidOffset, $"tensor '{e.Name}' at [{e.Begin}, {e.End}] overlaps the previous tensor, which ends at {expected}");
            if (e.Begin > expected)
                throw Fail(path, SafetensorsError.InvalidOffset, $"tensor '{e.Name}' starts at {e.Begin}, leaving a gap after offset {expected}");
            if (e.End > dataLength)
                throw Fail(path, SafetensorsError.InvalidOffset, $"tensor '{e.Name}' ends at {e.End}, past the {dataLength}-byte data section");

            long elements = 1;
            try
            {
                foreach (var d in e.Shape) elements = checked(elements * d);
                var bytes = checked(elements * Dtypes.Size(e.Dtype));
                if (bytes != e.End - e.Begin)
                    throw Fail(path, SafetensorsError.TensorInvalidInfo,
                        $"tensor '{e.Name}' is {Dtypes.Name(e.Dtype)}[{string.Join(", ", e.Shape)}] = {bytes} bytes, but its offsets span {e.End - e.Begin}");
            }
            catch (OverflowException)
            {
                throw Fail(path, SafetensorsError.ValidationOverflow, $"tensor '{e.Name}' has a shape whose size overflows");
            }
            tensors[e.Name] = new TensorEntry(e.Name, e.Dtype, e.Shape, dataStart + e.Begin, dataStart + e.End);
            expected = e.End;
        }
        if (expected != dataLength)
            throw Fail(path, SafetensorsError.MetadataIncompleteBuffer,
                $"tensor data ends at {expected} but the data section is {dataLength} bytes");
        return (tensors, metadata);
    }

    static (string, Dtype, long[], long, long) ParseEntry(string path, JsonProperty property)
    {
        var name = property.Name;
        var v = property.Value;
        if (v.ValueKind != JsonValueKind.Object)
            throw Fail(path, SafetensorsError.InvalidTensorEntry, $"tensor '{name}' is not an object");
        if (!v.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Fail(path, SafetensorsError.InvalidTensorEntry, $"tensor '{name}' has no string 'dtype'");
        var dtype = Dtypes.Parse(dtypeElement.GetString()!)
            ?? throw Fail(path, SafetensorsError.UnsupportedDtype, $"tensor '{name}' has unsupported dtype '{dtypeElement.GetString()}'");
        var shape = ReadIntegers(path, name, v, "shape", null);
        var offsets = ReadIntegers(path, name, v, "data_offsets", 2);
        return (name, dtype, shape, offsets[0], offsets[1]);
    }

    static long[] ReadIntegers(string path, string name, JsonElement v, string field, int? count)
    {
        if (!v.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Fail(path, SafetensorsError.InvalidTensorEntry, $"tensor '{name}' has no array '{field}'");
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
                throw Fail(path, SafetensorsError.InvalidTensorEntry, $"tensor '{name}' has a '{field}' entry that is not a non-negative integer");
            values.Add(value);
        }
        if (count is { } c && values.Count != c)
            throw Fail(path, SafetensorsError.InvalidTensorEntry, $"tensor '{name}' has {values.Count} '{field}' entries, expected {c}");
        return values.ToArray();
    }

    static SafetensorsException Fail(string path, SafetensorsError error, string detail) => new(path, error, detail);

    /// <summary>
    /// Reads rows <paramref name="rows"/> (ascending, distinct) of the 2-D tensor <paramref name="entry"/> into a new
    /// [rows, width] tensor of its dtype; every byte of the tensor streams past once through a bounded buffer (hashed and checked),
    /// so an embedding of any vocabulary costs the rows the probes use, not the table.
    /// </summary>
    public Tensor ReadRows(TensorEntry entry, FileStream stream, long[] rows, IncrementalHash? hash = null)
    {
        if (entry.Shape.Length != 2) throw new ArgumentException($"tensor '{entry.Name}' is not a matrix");
        var rowBytes = checked(entry.Shape[1] * Dtypes.Size(entry.Dtype));
        return Filled(entry, empty([rows.Length, entry.Shape[1]], Dtypes.ToTorch(entry.Dtype)), tensor =>
            TensorRows.Stream(stream, entry.Start, entry.Shape[0], rowBytes, ChunkBytes, rows, bytes => Checked(entry, bytes, hash), (index, row) =>
            {
                using var target = tensor.select(0, index);
                row.CopyTo(target.bytes);
            }));
    }

    /// <summary>
    /// Reads one tensor into a new CPU tensor of its own dtype, in chunks straight into the tensor's memory,
    /// feeding the bytes to <paramref name="hash"/> when given.
    /// </summary>
    public Tensor Read(TensorEntry entry, FileStream stream, IncrementalHash? hash = null) =>
        Filled(entry, empty(entry.Shape, Dtypes.ToTorch(entry.Dtype)), tensor =>
        {
            stream.Seek(entry.Start, SeekOrigin.Begin);
            using var flat = tensor.view(-1);
            var perChunk = Math.Max(1, ChunkBytes / Dtypes.Size(entry.Dtype));
            for (long at = 0; at < entry.ElementCount; at += perChunk)
            {
                using var piece = flat.narrow(0, at, Math.Min(perChunk, entry.ElementCount - at));
                var span = piece.bytes;
                stream.ReadExactly(span);
                Checked(entry, span, hash);
            }
        });

    /// <summary>Checks bytes of <paramref name="entry"/> as they are read, then hashes them.</summary>
    void Checked(TensorEntry entry, ReadOnlySpan<byte> bytes, IncrementalHash? hash)
    {
        WeightValues.Check(bytes, entry.Dtype, Path, entry.Name);
        hash?.AppendData(bytes);
    }

    /// <summary><paramref name="tensor"/> filled by <paramref name="fill"/>, or disposed when that fails (a file that ends early is bad input).</summary>
    Tensor Filled(TensorEntry entry, Tensor tensor, Action<Tensor> fill)
    {
        try
        {
            fill(tensor);
            return tensor;
        }
        catch (EndOfStreamException)
        {
            tensor.Dispose();
            throw new InvalidInputException(Path, $"file ended while reading tensor '{entry.Name}'");
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }
}
