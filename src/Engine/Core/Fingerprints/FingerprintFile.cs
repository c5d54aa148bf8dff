using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// The fingerprint file (<c>.reef</c>): "REEFFP\0\0", u32 format version, u32 header length, a UTF-8 JSON
/// header (identity, probes, method, layout), the Gram matrices in header order, and a SHA-256 of everything before
/// it. Reading verifies the checksum before trusting any field.
/// Version 2 (written): each Gram's upper triangle with its diagonal, row by row, as little-endian float16 scaled by a
/// power of two per Gram (in the header) — a Gram is symmetric, and half precision moves CKA by about 1e-5 (1.2e-5 linear, 1.6e-5 RBF at
/// most, measured in FingerprintFileTests; the goal is 1e-4): 1.3 MB per preprocessing at n = 200, L = 32, against 10 MB for version 1's full
/// float32 matrices, which are still read.
/// </summary>
public static class FingerprintFile
{
    /// <summary>The format version written.</summary>
    public const int FormatVersion = 2;
    /// <summary>The oldest version read: full float32 matrices.</summary>
    const int FullMatrices = 1;
    /// <summary>The largest magnitude a scaled Gram value is given in float16 (whose largest finite value is 65,504).</summary>
    const float HalfRange = 32_768;

    static readonly byte[] Magic = "REEFFP\0\0"u8.ToArray();
    const int MaxHeaderBytes = 1 << 20;

    /// <summary>The header; <c>Scales</c> (version 2) is each Gram's scale (a power of two), preprocessing by preprocessing, layer by layer.</summary>
    sealed record Header(ModelIdentity Model, string ProbeSetName, string ProbeHash, int Count, int Truncated, string Method,
        string EngineVersion, DateTimeOffset CreatedUtc, int Layers, string[] Preprocessings, string GramDtype, float[]? Scales = null);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes <paramref name="fingerprint"/> to <paramref name="path"/> (atomically, via a temporary file).</summary>
    public static void Write(Fingerprint fingerprint, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temporary, ToBytes(fingerprint));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's bytes, for stores that hold fingerprints by key.</summary>
    public static byte[] ToBytes(Fingerprint fingerprint)
    {
        var order = fingerprint.Grams.Keys.Order().ToArray();
        var n = fingerprint.Count;
        var grams = order.SelectMany(p => fingerprint.Grams[p]).ToList();
        var scales = grams.Select(Scale).ToArray();
        var header = new Header(fingerprint.Model, fingerprint.ProbeSetName, fingerprint.ProbeHash, fingerprint.Count,
            fingerprint.Truncated, fingerprint.Method, fingerprint.EngineVersion, fingerprint.CreatedUtc, fingerprint.Layers,
            order.Select(p => p.ToString().ToLowerInvariant()).ToArray(), "f16-upper", scales);
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        using var stream = new MemoryStream();
        stream.Write(Magic);
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(u32, FormatVersion); stream.Write(u32);
        BinaryPrimitives.WriteInt32LittleEndian(u32, headerBytes.Length); stream.Write(u32);
        stream.Write(headerBytes);
        var packed = new Half[Packed(n)];
        for (var g = 0; g < grams.Count; g++)
        {
            var (gram, inverse) = (grams[g], 1 / scales[g]);
            for (int i = 0, at = 0; i < n; i++)
            for (var j = i; j < n; j++)
                packed[at++] = (Half)(gram[i * n + j] * inverse);
            stream.Write(MemoryMarshal.AsBytes(packed.AsSpan()));
        }
        stream.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        return stream.ToArray();
    }

    /// <summary>Values in the upper triangle of an n × n matrix, diagonal included.</summary>
    static long Packed(long n) => n * (n + 1) / 2;

    /// <summary>
    /// The power of two that brings a Gram's largest finite magnitude to at most <see cref="HalfRange"/>: exact to divide by,
    /// and far from float16's overflow and from its subnormals.
    /// </summary>
    static float Scale(float[] gram)
    {
        var largest = 0f;
        foreach (var v in gram)
            if (float.IsFinite(v)) largest = Math.Max(largest, Math.Abs(v));
        return largest == 0 ? 1 : MathF.Pow(2, MathF.Ceiling(MathF.Log2(largest / HalfRange)));
    }

    /// <summary>Whether <paramref name="path"/> starts like a fingerprint file.</summary>
    public static bool LooksLikeFingerprint(string path)
    {
        if (FileSystemProbe.Stat(FileSystemProbe.Resolve(path) ?? path).Kind != FileKind.Regular) return false;
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[8];
        return stream.Read(head) == 8 && head.SequenceEqual(Magic);
    }

    /// <summary>Reads and verifies <paramref name="path"/>.</summary>
    public static Fingerprint Read(string path)
    {
        return FromBytes(InputFiles.ReadAllBytes(path, "fingerprint file", InputLimits.Default.MaxFingerprintBytes), path);
    }

    /// <summary>Reads and verifies a fingerprint held in memory; <paramref name="path"/> names it in errors.</summary>
    public static Fingerprint FromBytes(byte[] bytes, string path)
    {
        var (header, preprocessings, at) = Verify(bytes, path);
        var n = header.Count;
        var grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>>();
        for (var p = 0; p < preprocessings.Length; p++)
        {
            var layers = new List<float[]>();
            for (var l = 0; l < header.Layers; l++)
            {
                if (header.Scales is { } scales)
                {
                    var packed = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan(at, (int)Packed(n) * 2));
                    var scale = scales[p * header.Layers + l];
                    var gram = new float[n * n];
                    for (int i = 0, k = 0; i < n; i++)
                    for (var j = i; j < n; j++)
                        gram[i * n + j] = gram[j * n + i] = (float)packed[k++] * scale;
                    layers.Add(gram);
                    at += (int)Packed(n) * 2;
                }
                else
                {
                    layers.Add(MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at, n * n * 4)).ToArray());
                    at += n * n * 4;
                }
            }
            grams[preprocessings[p]] = layers;
        }
        return new Fingerprint
        {
            Model = header.Model, ProbeSetName = header.ProbeSetName, ProbeHash = header.ProbeHash, Count = header.Count,
            Truncated = header.Truncated, Method = header.Method, EngineVersion = header.EngineVersion,
            CreatedUtc = header.CreatedUtc, Grams = grams,
        };
    }

    /// <summary>
    /// Everything <see cref="FromBytes"/> checks — magic, version, checksum, header, structure, size, every value
    /// finite — read in place, without copying a Gram: what a store verifies a fingerprint with before reusing it.
    /// Returns what the probes it was taken on are (hash and statement count).
    /// </summary>
    public static (string ProbeHash, int Statements) Check(byte[] bytes, string path)
    {
        var (header, _, _) = Verify(bytes, path);
        return (header.ProbeHash, header.Count);
    }

    /// <summary>Whether any value of a Gram (float32 or float16 bits) is other than ±0.</summary>
    static bool HasValue(ReadOnlySpan<byte> gram, int valueBytes) => valueBytes == 4
        ? MemoryMarshal.Cast<byte, uint>(gram).IndexOfAnyExcept(0u, 0x8000_0000u) >= 0
        : MemoryMarshal.Cast<byte, ushort>(gram).IndexOfAnyExcept((ushort)0, (ushort)0x8000) >= 0;

    static (Header Header, Preprocessing[] Preprocessings, int DataStart) Verify(byte[] bytes, string path)
    {
        if (bytes.Length < 16 + 32 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidInputException(path, "not a ReefCluster fingerprint file (bad magic)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version is < FullMatrices or > FormatVersion)
            throw new InvalidInputException(path, $"fingerprint format version {version}; this engine reads versions {FullMatrices} to {FormatVersion}");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidInputException(path, "checksum mismatch: the fingerprint file is corrupt or truncated");

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 16L + headerLength > body.Length)
            throw new InvalidInputException(path, $"header length {headerLength} is out of range");
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(16, headerLength), Json)
                     ?? throw new JsonException("empty header");
        }
        catch (JsonException e) { throw new InvalidInputException(path, $"header is not valid JSON ({e.Message})"); }

        var preprocessings = header.Preprocessings.Select(name =>
            Enum.TryParse<Preprocessing>(name, true, out var p) ? p : throw new InvalidInputException(path, $"unknown preprocessing '{name}'")).ToArray();
        // Structure before size: a checksum proves the bytes are what was written, not that what was written is a fingerprint.
        if (header.Layers < 1) throw new InvalidInputException(path, $"holds {header.Layers} layers; a fingerprint has at least one");
        if (header.Count < 3) throw new InvalidInputException(path, $"is of {header.Count} statements; CKA needs at least 3");
        if (header.Model == null || header.ProbeHash == null) throw new InvalidInputException(path, "header has no model or probe hash");
        var grams = preprocessings.Length * header.Layers;
        var (dtype, valueBytes, perGram) = version == FullMatrices ? ("f32", 4, (long)header.Count * header.Count) : ("f16-upper", 2, Packed(header.Count));
        var expected = 16L + headerLength + grams * perGram * valueBytes;
        if (header.GramDtype != dtype || expected != body.Length)
            throw new InvalidInputException(path, $"payload is {body.Length - 16 - headerLength} bytes of {header.GramDtype}, expected {expected - 16 - headerLength} of {dtype} for {header.Layers} layers of {header.Count}×{header.Count}");
        // A scale is a claim too: one so large that a float16 value times it overflows would turn a Gram into infinities.
        if (version != FullMatrices && (header.Scales is not { } scales || scales.Length != grams
                                        || scales.Any(v => !(v > 0) || !float.IsFinite(v * (float)Half.MaxValue))))
            throw new InvalidInputException(path, $"header holds {header.Scales?.Length ?? 0} Gram scales for {grams} Grams, or one that is not a positive number small enough to scale float16 values");

        var start = 16 + headerLength;
        // A value's place, for the error: which Gram, and which cell (the packed triangle is walked to find it).
        string Where(long i, float value)
        {
            var (gram, cell) = (i / perGram, i % perGram);
            var (row, col) = (cell / header.Count, cell % header.Count);
            if (version != FullMatrices)
            {
                for (row = 0; cell >= header.Count - row; row++) cell -= header.Count - row;
                col = row + cell;
            }
            return $"{preprocessings[gram / header.Layers].ToString().ToLowerInvariant()} Gram of layer {gram % header.Layers} holds {value} at [{row}, {col}]";
        }
        if (version == FullMatrices)
        {
            var values = MemoryMarshal.Cast<byte, float>(body[start..]);
            for (var i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i])) throw new InvalidInputException(path, Where(i, values[i]));
        }
        else
        {
            var values = MemoryMarshal.Cast<byte, Half>(body[start..]);
            for (var i = 0; i < values.Length; i++)
                if (!Half.IsFinite(values[i])) throw new InvalidInputException(path, Where(i, (float)values[i]));
        }
        // A Gram of zeros says the model's hidden states did not vary: nothing to compare, whatever CKA would print.
        for (var g = 0; g < grams; g++)
        {
            var gram = body.Slice(start + (int)(g * perGram * valueBytes), (int)(perGram * valueBytes));
            if (!HasValue(gram, valueBytes))
                throw new InvalidInputException(path, $"cannot be judged: its {preprocessings[g / header.Layers].ToString().ToLowerInvariant()} Gram of layer {g % header.Layers} " +
                                                      "is zero (the model's hidden states do not vary across the probe statements)");
        }
        return (header, preprocessings, start);
    }
}
