using System.Text;

namespace Reef.Engine.Similarity;

/// <summary>
/// A finished tile as stored: its row and column fingerprint keys, the REEF scores of every pair and their weight-signature
/// scores (NaN where the weights cannot be compared). Version 1 tiles held REEF scores only; readers refuse them, and the
/// registry plans their pairs again.
/// </summary>
public sealed record TileResult(IReadOnlyList<string> Rows, IReadOnlyList<string> Cols, PairScore[,] Scores, double[,] Weights)
{
    const int Version = 2;

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
        return buffer.ToArray();
    }

    /// <summary>Reads a stored tile; <paramref name="source"/> names it in errors.</summary>
    public static TileResult FromBytes(byte[] bytes, string source)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (r.ReadInt32() is var version && version != Version) throw new InvalidInputException(source, $"tile format version {version}; this engine reads version {Version}");
            var rows = Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadString()).ToList();
            var cols = Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadString()).ToList();
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
}
