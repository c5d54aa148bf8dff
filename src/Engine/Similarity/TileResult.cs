using System.Text;

namespace Reef.Engine.Similarity;

/// <summary>A finished tile as stored: its row and column fingerprint keys and a score for every pair.</summary>
public sealed record TileResult(IReadOnlyList<string> Rows, IReadOnlyList<string> Cols, PairScore[,] Scores)
{
    const int Version = 1;

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
            foreach (var s in Scores)
            {
                w.Write(s.Reef);
                w.Write(s.Best);
                w.Write(s.Alignment);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a stored tile; <paramref name="source"/> names it in errors.</summary>
    public static TileResult FromBytes(byte[] bytes, string source)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (r.ReadInt32() != Version) throw new InvalidInputException(source, "unknown tile format version");
            var rows = Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadString()).ToList();
            var cols = Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadString()).ToList();
            var scores = new PairScore[rows.Count, cols.Count];
            for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < cols.Count; j++)
                scores[i, j] = new PairScore(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            return new TileResult(rows, cols, scores);
        }
        catch (EndOfStreamException) { throw new InvalidInputException(source, "tile is truncated"); }
    }
}
