using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// The fingerprint file (<c>.reef</c>): "REEFFP\0\0", u32 format version, u32 header length, a UTF-8 JSON
/// header (identity, probes, method, layout), the Gram matrices as little-endian float32 in header order,
/// and a SHA-256 of everything before it. Reading verifies the checksum before trusting any field.
/// </summary>
public static class FingerprintFile
{
    /// <summary>Current format version; readers refuse others.</summary>
    public const int FormatVersion = 1;

    static readonly byte[] Magic = "REEFFP\0\0"u8.ToArray();
    const int MaxHeaderBytes = 1 << 20;

    sealed record Header(ModelIdentity Model, string ProbeSetName, string ProbeHash, int Count, int Truncated, string Method,
        string EngineVersion, DateTimeOffset CreatedUtc, int Layers, string[] Preprocessings, string GramDtype);

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
        var header = new Header(fingerprint.Model, fingerprint.ProbeSetName, fingerprint.ProbeHash, fingerprint.Count,
            fingerprint.Truncated, fingerprint.Method, fingerprint.EngineVersion, fingerprint.CreatedUtc, fingerprint.Layers,
            order.Select(p => p.ToString().ToLowerInvariant()).ToArray(), "f32");
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        using var stream = new MemoryStream();
        stream.Write(Magic);
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(u32, FormatVersion); stream.Write(u32);
        BinaryPrimitives.WriteInt32LittleEndian(u32, headerBytes.Length); stream.Write(u32);
        stream.Write(headerBytes);
        foreach (var p in order)
        foreach (var gram in fingerprint.Grams[p])
            stream.Write(MemoryMarshal.AsBytes(gram.AsSpan()));
        stream.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        return stream.ToArray();
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
        var gramBytes = header.Count * header.Count * 4;
        var grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>>();
        foreach (var p in preprocessings)
        {
            var layers = new List<float[]>();
            for (var l = 0; l < header.Layers; l++, at += gramBytes) layers.Add(MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at, gramBytes)).ToArray());
            grams[p] = layers;
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

    static (Header Header, Preprocessing[] Preprocessings, int DataStart) Verify(byte[] bytes, string path)
    {
        if (bytes.Length < 16 + 32 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidInputException(path, "not a ReefCluster fingerprint file (bad magic)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw new InvalidInputException(path, $"fingerprint format version {version}; this engine reads version {FormatVersion}");
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
        long gramFloats = (long)header.Count * header.Count;
        var expected = 16L + headerLength + preprocessings.Length * header.Layers * gramFloats * 4;
        if (header.GramDtype != "f32" || expected != body.Length)
            throw new InvalidInputException(path, $"payload is {body.Length - 16 - headerLength} bytes, expected {expected - 16 - headerLength} for {header.Layers} layers of {header.Count}×{header.Count}");

        var start = 16 + headerLength;
        var values = MemoryMarshal.Cast<byte, float>(body[start..]);
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            var gram = i / (int)gramFloats;
            var cell = i % (int)gramFloats;
            throw new InvalidInputException(path,
                $"{preprocessings[gram / header.Layers].ToString().ToLowerInvariant()} Gram of layer {gram % header.Layers} holds {values[i]} at [{cell / header.Count}, {cell % header.Count}]");
        }
        return (header, preprocessings, start);
    }
}
