using System.Buffers.Binary;
using System.Text;
using Reef.Engine.Checkpoints;

namespace Reef.Engine.Gguf;

/// <summary>
/// A validated llama.cpp GGUF file (versions 2 and 3): its metadata and tensor catalog, checked from the header alone —
/// magic and version, every count and length against what the file and <see cref="InputLimits.MaxHeaderBytes"/> can hold,
/// value types, duplicate keys and names, dimensions, tensor types, alignment, and that every tensor's data lies inside the
/// file without overlapping another — before anything is allocated by size. A hub's GGUF file is a stranger's, as
/// strictly treated as its safetensors.
/// </summary>
public sealed class GgufFile
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>ggml's limit on tensor names (GGML_MAX_NAME, terminator included).</summary>
    public const int MaxNameBytes = 63;

    /// <summary>ggml's limit on dimensions (GGML_MAX_DIMS).</summary>
    public const int MaxDimensions = 4;

    /// <summary>More tensors or keys than any model has (a 70B model has under 1,000 tensors).</summary>
    public const long MaxEntries = 1 << 16;

    const int DefaultAlignment = 32;

    GgufFile(string path, uint version, long fileLength, long dataStart, int alignment, IReadOnlyDictionary<string, object> metadata,
        IReadOnlyList<GgufTensorInfo> tensors)
    {
        Path = path;
        Version = version;
        FileLength = fileLength;
        DataStart = dataStart;
        Alignment = alignment;
        Metadata = metadata;
        TensorList = tensors;
        Tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }
    public uint Version { get; }
    public long FileLength { get; }
    /// <summary>Absolute offset of the data section (the header, padded to <see cref="Alignment"/>).</summary>
    public long DataStart { get; }
    public int Alignment { get; }

    /// <summary>Metadata values: long (integers), double (floats), bool, string, or arrays of those (long[], double[], bool[], string[]).</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    /// <summary>The tensors in the file's order.</summary>
    public IReadOnlyList<GgufTensorInfo> TensorList { get; }

    public IReadOnlyDictionary<string, GgufTensorInfo> Tensors { get; }

    /// <summary>A string value, or null when absent; a value of another type is bad input.</summary>
    public string? String(string key) => Value<string>(key, "a string");

    /// <summary>An integer value, or null when absent.</summary>
    public long? Integer(string key) => Metadata.TryGetValue(key, out var v) ? v as long? ?? throw Wrong(key, "an integer") : null;

    /// <summary>
    /// A count or size (an integer of any GGUF integer type that fits a positive int), or null when absent: a value of another
    /// type, or one out of range (a uint64 of 2³² + 2 is not 2), is refused, never cast.
    /// </summary>
    public int? Count(string key) => Integer(key) switch
    {
        null => null,
        > 0 and <= int.MaxValue and var n => (int)n,
        var n => throw new InvalidInputException(Path, $"metadata '{key}' is {n}, not a count from 1 to {int.MaxValue}"),
    };

    /// <summary>A number (integer or float), or null when absent.</summary>
    public double? Number(string key) => Metadata.TryGetValue(key, out var v)
        ? v switch { long l => l, double d => d, _ => throw Wrong(key, "a number") } : null;

    /// <summary>An array value of type <typeparamref name="T"/> (string[], long[], double[], bool[]), or null when absent.</summary>
    public T? Array<T>(string key) where T : class => Value<T>(key, $"an array of {typeof(T).GetElementType()?.Name.ToLowerInvariant()}");

    T? Value<T>(string key, string what) where T : class =>
        Metadata.TryGetValue(key, out var v) ? v as T ?? throw Wrong(key, what) : null;

    InvalidInputException Wrong(string key, string what) => new(Path, $"metadata '{key}' is not {what}");

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    public static GgufFile Open(string path, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        using var stream = InputFiles.OpenRegular(path, "GGUF file");
        var fileLength = stream.Length;
        var reader = new HeaderReader(path, new BufferedStream(stream, 1 << 16), Math.Min(fileLength, limits.MaxHeaderBytes), fileLength);
        if (fileLength < 24) throw new InvalidInputException(path, $"file is {fileLength} bytes, shorter than a GGUF header (24)");
        if (reader.UInt32() is var magic && magic != Magic)
            throw new InvalidInputException(path, $"not a GGUF file (magic 0x{magic:x8}, expected 0x{Magic:x8} \"GGUF\")");
        var version = reader.UInt32();
        if (version is not (2 or 3)) throw new InvalidInputException(path, $"GGUF version {version} is not supported (2 and 3 are)");
        var tensorCount = reader.Count("tensor count", 8 + 4 + 8 + 4 + 8);
        var keyCount = reader.Count("metadata key count", 8 + 4 + 1);

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (long i = 0; i < keyCount; i++)
        {
            var key = reader.String("metadata key");
            var type = reader.UInt32();
            var value = reader.Value(key, type, nested: false);
            if (!metadata.TryAdd(key, value)) throw new InvalidInputException(path, $"metadata key '{key}' appears twice");
        }
        var alignment = DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var a))
        {
            if (a is not long al || al <= 0 || al > 1 << 20 || (al & (al - 1)) != 0)
                throw new InvalidInputException(path, $"general.alignment is {a}, not a power of two up to 1 MiB");
            alignment = (int)al;
        }

        var infos = new List<(string Name, long[] Dims, GgmlType Type, long Offset)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            var name = reader.String("tensor name");
            if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
                throw new InvalidInputException(path, $"tensor name '{name[..Math.Min(80, name.Length)]}…' is longer than ggml's {MaxNameBytes} bytes");
            if (!names.Add(name)) throw new InvalidInputException(path, $"tensor '{name}' appears twice");
            var dimensions = reader.UInt32();
            if (dimensions is 0 or > MaxDimensions)
                throw new InvalidInputException(path, $"tensor '{name}' has {dimensions} dimensions (1 to {MaxDimensions})");
            var dims = new long[dimensions];
            for (var d = 0; d < dims.Length; d++)
            {
                var n = reader.UInt64();
                if (n > long.MaxValue) throw new InvalidInputException(path, $"tensor '{name}' has dimension {d} of {n}");
                dims[d] = (long)n;
            }
            var rawType = reader.UInt32();
            if (GgmlTypes.Layout((GgmlType)rawType) is null)
                throw new InvalidInputException(path, $"tensor '{name}' has type {GgmlTypes.Name(rawType)}, which ReefCluster does not read " +
                                                      "(F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K–Q6_K)");
            var offset = reader.UInt64();
            if (offset > long.MaxValue) throw new InvalidInputException(path, $"tensor '{name}' has offset {offset}");
            infos.Add((name, dims, (GgmlType)rawType, (long)offset));
        }
        var dataStart = Align(reader.Position, alignment);
        if (dataStart > fileLength) throw new InvalidInputException(path, $"the data section would start at {dataStart}, past the end of the {fileLength}-byte file");

        var tensors = new List<GgufTensorInfo>();
        foreach (var (name, dims, type, offset) in infos)
        {
            var (perBlock, blockBytes) = GgmlTypes.Layout(type)!.Value;
            long bytes;
            try
            {
                var elements = dims.Aggregate(1L, (x, y) => checked(x * y));
                if (dims[0] % perBlock != 0)
                    throw new InvalidInputException(path, $"tensor '{name}' has rows of {dims[0]} values, not a multiple of {type}'s block of {perBlock}");
                bytes = checked(elements / perBlock * blockBytes);
            }
            catch (OverflowException) { throw new InvalidInputException(path, $"tensor '{name}' has dimensions [{string.Join(", ", dims)}] whose size overflows"); }
            if (offset % alignment != 0)
                throw new InvalidInputException(path, $"tensor '{name}' starts at data offset {offset}, not a multiple of the alignment {alignment}");
            if (offset > fileLength - dataStart || bytes > fileLength - dataStart - offset)
                throw new InvalidInputException(path, $"tensor '{name}' ({bytes} bytes at data offset {offset}) runs past the end of the {fileLength}-byte file");
            tensors.Add(new GgufTensorInfo(name, dims, type, dataStart + offset, bytes));
        }
        GgufTensorInfo? previous = null;
        foreach (var t in tensors.OrderBy(t => t.Start))
        {
            if (previous != null && t.Start < previous.Start + previous.ByteLength)
                throw new InvalidInputException(path, $"tensor '{t.Name}' overlaps tensor '{previous.Name}'");
            previous = t;
        }
        InputFiles.CheckOnDisk(stream, path, tensors.Select(t => (t.Name, t.Start, t.ByteLength)));
        return new GgufFile(path, version, fileLength, dataStart, alignment, metadata, tensors);
    }

    /// <summary>Scratch bytes <see cref="ReadFloat32"/> reads a slice of blocks into (4 MiB).</summary>
    public const int ReadBufferBytes = 4 << 20;

    /// <summary>
    /// Reads <paramref name="tensor"/> from <paramref name="stream"/> (this file, opened by the caller) and dequantizes it
    /// into a new float32 tensor of its PyTorch shape, a slice of blocks at a time, feeding the bytes read to
    /// <paramref name="hash"/> when given. <paramref name="buffer"/> is scratch space of at least <see cref="ReadBufferBytes"/>
    /// reused across calls (allocated here when null).
    /// </summary>
    public TorchSharp.torch.Tensor ReadFloat32(GgufTensorInfo tensor, Stream stream, System.Security.Cryptography.IncrementalHash? hash = null,
        byte[]? buffer = null)
    {
        var (perBlock, blockBytes) = GgmlTypes.Layout(tensor.Type)!.Value;
        var result = TorchSharp.torch.empty(tensor.Shape, TorchSharp.torch.ScalarType.Float32);
        try
        {
            using var flat = result.view(-1);
            var blocksPerSlice = Math.Max(1, ReadBufferBytes / blockBytes);
            // A caller reading many tensors passes one buffer for all (ReadBufferBytes), not 4 MB of garbage per tensor.
            if (buffer == null || buffer.Length < blocksPerSlice * blockBytes) buffer = new byte[blocksPerSlice * blockBytes];
            stream.Seek(tensor.Start, SeekOrigin.Begin);
            var blocks = tensor.ElementCount / perBlock;
            for (long at = 0; at < blocks; at += blocksPerSlice)
            {
                var count = (int)Math.Min(blocksPerSlice, blocks - at);
                var bytes = buffer.AsSpan(0, count * blockBytes);
                try { stream.ReadExactly(bytes); }
                catch (EndOfStreamException) { throw new InvalidInputException(Path, $"file ended while reading tensor '{tensor.Name}'"); }
                WeightValues.Check(bytes, tensor.Type, Path, tensor.Name);
                hash?.AppendData(bytes);
                using var slice = flat.narrow(0, at * perBlock, (long)count * perBlock);
                GgmlDequantizer.Dequantize(tensor.Type, bytes, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(slice.bytes));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads rows <paramref name="rows"/> (ascending, distinct) of the matrix <paramref name="tensor"/> dequantized into a new float32
    /// [rows, width] tensor; the whole tensor streams past once, a slice of whole rows at a time, fed to <paramref name="hash"/> and
    /// checked, so an embedding of any vocabulary costs the rows the probes use.
    /// </summary>
    public TorchSharp.torch.Tensor ReadRowsFloat32(GgufTensorInfo tensor, Stream stream, long[] rows, System.Security.Cryptography.IncrementalHash? hash = null)
    {
        if (tensor.Dimensions.Length != 2) throw new ArgumentException($"tensor '{tensor.Name}' is not a matrix");
        var (perBlock, blockBytes) = GgmlTypes.Layout(tensor.Type)!.Value;
        var width = tensor.Dimensions[0];
        var rowBytes = checked(width / perBlock * blockBytes);
        var result = TorchSharp.torch.empty([rows.Length, width], TorchSharp.torch.ScalarType.Float32);
        try
        {
            TensorRows.Stream(stream, tensor.Start, tensor.Dimensions[1], rowBytes, ReadBufferBytes, rows, bytes =>
            {
                WeightValues.Check(bytes, tensor.Type, Path, tensor.Name);
                hash?.AppendData(bytes);
            }, (index, row) =>
            {
                using var target = result.select(0, index);
                GgmlDequantizer.Dequantize(tensor.Type, row, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(target.bytes));
            });
            return result;
        }
        catch (Exception e)
        {
            result.Dispose();
            if (e is EndOfStreamException) throw new InvalidInputException(Path, $"file ended while reading tensor '{tensor.Name}'");
            throw;
        }
    }

    /// <summary>
    /// The content hash, given the digests of the tensors already read: SHA-256 over "gguf", the SHA-256 of the header (every
    /// byte before the data section) and each tensor's SHA-256 in file order, the missing ones read and hashed here.
    /// </summary>
    public string ContentHash(Stream stream, IReadOnlyDictionary<string, byte[]> digests)
    {
        using var content = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        content.AppendData("gguf\n"u8);
        content.AppendData(Digest(stream, 0, DataStart, tensor: null));
        foreach (var t in TensorList.OrderBy(t => t.Start))
            content.AppendData(digests.TryGetValue(t.Name, out var d) ? d : Digest(stream, t.Start, t.ByteLength, t));
        return Convert.ToHexStringLower(content.GetHashAndReset());
    }

    /// <summary>SHA-256 of <paramref name="length"/> bytes at <paramref name="start"/>; a tensor's values are checked as they pass.</summary>
    byte[] Digest(Stream stream, long start, long length, GgufTensorInfo? tensor)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        // Whole blocks per chunk, so that each chunk can be checked on its own.
        var block = tensor != null ? GgmlTypes.Layout(tensor.Type)!.Value.Bytes : 1;
        var buffer = new byte[Math.Max(1, (1 << 20) / block) * block];
        stream.Seek(start, SeekOrigin.Begin);
        for (var left = length; left > 0;)
        {
            var part = (int)Math.Min(buffer.Length, left);
            try { stream.ReadExactly(buffer, 0, part); }
            catch (EndOfStreamException) { throw new InvalidInputException(Path, "file ended while hashing it"); }
            if (tensor != null) WeightValues.Check(buffer.AsSpan(0, part), tensor.Type, Path, tensor.Name);
            hash.AppendData(buffer, 0, part);
            left -= part;
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Whether <paramref name="path"/> is a regular file that starts with GGUF's magic.</summary>
    public static bool LooksLikeGguf(string path)
    {
        if (FileSystemProbe.Stat(FileSystemProbe.Resolve(path) ?? path).Kind != FileKind.Regular) return false;
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.Read(head) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == Magic;
    }

    static long Align(long position, int alignment) => (position + alignment - 1) / alignment * alignment;

    /// <summary>Reads the header, refusing any length that runs past the file or the header limit before allocating for it.</summary>
    sealed class HeaderReader(string path, Stream stream, long limit, long fileLength)
    {
        readonly byte[] _scratch = new byte[8];
        public long Position { get; private set; }

        long Left => limit - Position;

        void Need(long bytes, string what)
        {
            if (bytes <= Left) return;
            throw Position + bytes > fileLength
                ? new InvalidInputException(path, $"file ends inside the header, reading {what} at offset {Position}")
                : new InvalidInputException(path, $"header is larger than the {limit}-byte limit (--max-header-bytes), reading {what} at offset {Position}");
        }

        ReadOnlySpan<byte> Bytes(int count, string what)
        {
            Need(count, what);
            stream.ReadExactly(_scratch, 0, count);
            Position += count;
            return _scratch.AsSpan(0, count);
        }

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, "a uint32"));
        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, "a uint64"));

        /// <summary>A count of entries each at least <paramref name="minimumBytes"/> long: refused when the rest of the header could not hold them.</summary>
        public long Count(string what, int minimumBytes)
        {
            var n = UInt64();
            if (n > MaxEntries) throw new InvalidInputException(path, $"{what} is {n}, more than any model has (at most {MaxEntries})");
            Need((long)n * minimumBytes, $"{what} of {n}");
            return (long)n;
        }

        public string String(string what)
        {
            var length = UInt64();
            if (length > (ulong)Left) Need(length > long.MaxValue ? long.MaxValue : (long)length, $"{what} of {length} bytes");
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            Position += (long)length;
            try { return new UTF8Encoding(false, true).GetString(bytes); }
            catch (DecoderFallbackException) { throw new InvalidInputException(path, $"{what} at offset {Position - (long)length} is not valid UTF-8"); }
        }

        public object Value(string key, uint type, bool nested) => type switch
        {
            0 => (long)Bytes(1, key)[0],
            1 => (long)(sbyte)Bytes(1, key)[0],
            2 => (long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, key)),
            3 => (long)BinaryPrimitives.ReadInt16LittleEndian(Bytes(2, key)),
            4 => (long)UInt32(),
            5 => (long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4, key)),
            // A float32 as the decimal it was written from (1e-5, not 9.99999975e-6): configs state eps and theta in decimal.
            6 => double.Parse(BinaryPrimitives.ReadSingleLittleEndian(Bytes(4, key)).ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture),
            7 => Bytes(1, key)[0] switch
            {
                0 => false, 1 => true,
                var b => throw new InvalidInputException(path, $"metadata '{key}' is a bool of value {b}, not 0 or 1"),
            },
            8 => String($"metadata '{key}'"),
            9 when nested => throw new InvalidInputException(path, $"metadata '{key}' is an array of arrays, which GGUF models do not use"),
            9 => Array(key),
            10 => UInt64() is var u && u <= long.MaxValue ? (long)u : throw new InvalidInputException(path, $"metadata '{key}' is {u}, past int64"),
            11 => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8, key)),
            12 => BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8, key)),
            _ => throw new InvalidInputException(path, $"metadata '{key}' has value type {type}, not a GGUF type (0–12)"),
        };

        object Array(string key)
        {
            var type = UInt32();
            var size = type switch { 0 or 1 or 7 => 1, 2 or 3 => 2, 4 or 5 or 6 => 4, 10 or 11 or 12 => 8, 8 => 8, 9 => 4, _ => 0 };
            if (size == 0) throw new InvalidInputException(path, $"metadata '{key}' is an array of value type {type}, not a GGUF type (0–12)");
            var count = UInt64();
            if (count > (ulong)(Left / size)) throw new InvalidInputException(path, $"metadata '{key}' holds {count} values, more than the header could hold");
            var n = (int)count;
            switch (type)
            {
                case 8:
                    var strings = new string[n];
                    for (var i = 0; i < n; i++) strings[i] = String($"metadata '{key}'[{i}]");
                    return strings;
                case 6 or 12:
                    var numbers = new double[n];
                    for (var i = 0; i < n; i++) numbers[i] = (double)Value(key, type, nested: true);
                    return numbers;
                case 7:
                    var flags = new bool[n];
                    for (var i = 0; i < n; i++) flags[i] = (bool)Value(key, type, nested: true);
                    return flags;
                default:
                    var integers = new long[n];
                    for (var i = 0; i < n; i++) integers[i] = (long)Value(key, type, nested: true);
                    return integers;
            }
        }
    }
}
