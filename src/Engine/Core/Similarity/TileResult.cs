using System.Security.Cryptography;
using System.Text;

namespace Reef.Engine.Similarity;

/// <summary>
/// A finished tile as stored: its row and column fingerprint keys, the REEF scores of every pair and their weight-signature
/// scores (NaN where the weights cannot be compared), and a SHA-256 of it all. Version 1 tiles held REEF scores only and
/// version 2 no checksum; readers refuse both, and the registry plans their pairs again.
/// </summary>
public sealed record TileResult(IReadOnlyList<string> Rows, IReadOnlyList<string> Cols, PairScore[,] Scores, double[,] Weights)
{
    public const int Version = 3;
    const int Sha256Bytes = 32;
    /// <summary>Longest list of keys a stored tile may claim: a registry tile is 64 models a side.</summary>
    const int MaxModels = 1 << 16;

    /// <summary>Every pair of the tile, row key first (the scores' orientation).</summary>
    public IEnumerable<(string Row, string Col, PairScore Reef, double Weights)> Pairs()
    {
        for (var i = 0; i < Rows.Count; i++)
        for (var j = 0; j < Cols.Count; j++)
            yield return (Rows[i], Cols[j], Scores[i, j], Weights[i, j]);
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            w.Write(Rows.Count);
            foreach (var k in Rows) w.Write(k);
            w.Write(Cols.Count);
            foreach (var k in Cols) w.Write(k);
            for (var i = 0; i < Rows.Count; i++)
            for (var j = 0; j < Cols.Count; j++)
            {
                var s = Scores[i, j];
                w.Write(s.Reef);
                w.Write(s.Best);
                w.Write(s.Alignment);
                w.Write(Weights[i, j]);
            }
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        return buffer.ToArray();
    }

    /// <summary>Reads a stored tile; <paramref name="source"/> names it in errors.</summary>
    public static TileResult FromBytes(byte[] bytes, string source)
    {
        if (bytes.Length < 4 + Sha256Bytes) throw new InvalidInputException(source, "tile is truncated");
        var version = BitConverter.ToInt32(bytes, 0);
        if (version != Version) throw new InvalidInputException(source, $"tile format version {version}; this engine reads version {Version}");
        var body = bytes.AsSpan(0, bytes.Length - Sha256Bytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - Sha256Bytes)))
            throw new InvalidInputException(source, "checksum mismatch: the tile is corrupt or truncated");
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 4, body.Length - 4), Encoding.UTF8);
            var rows = Keys(r, source);
            var cols = Keys(r, source);
            var scores = new PairScore[rows.Count, cols.Count];
            var weights = new double[rows.Count, cols.Count];
            for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < cols.Count; j++)
            {
                scores[i, j] = new PairScore(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
                weights[i, j] = r.ReadDouble();
            }
            return new TileResult(rows, cols, scores, weights);
        }
        catch (EndOfStreamException) { throw new InvalidInputException(source, "tile is truncated"); }
    }

    static List<string> Keys(BinaryReader r, string source)
    {
        var count = r.ReadInt32();
        if (count is < 1 or > MaxModels) throw new InvalidInputException(source, $"tile claims {count} models a side");
        return Enumerable.Range(0, count).Select(_ => r.ReadString()).ToList();
    }
}
