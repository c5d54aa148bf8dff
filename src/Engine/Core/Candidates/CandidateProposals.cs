using System.Security.Cryptography;
using System.Text;

namespace Reef.Engine.Candidates;

/// <summary>
/// What one model's search proposed: each partner with the sources that proposed it (neighbours on either signal, a
/// calibration sample). A registry stores it per model when the model is searched, and a registry that starts again
/// takes it back instead of searching (see <see cref="CandidateRegistry.Restore"/>): the candidates, and which pairs are
/// calibration samples, stay what they were. Stored as: u32 format version, the key, u32 count, (partner, u8 sources)
/// each, and a SHA-256 of it all.
/// </summary>
public sealed record CandidateProposals(string Key, IReadOnlyList<(string Partner, CandidateSource Sources)> Partners)
{
    public const int FormatVersion = 1;
    const int Sha256Bytes = 32;
    /// <summary>More partners than one search can propose (2 × the widest search + samples), with room to spare.</summary>
    const int MaxPartners = 1 << 12;

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatVersion);
            w.Write(Key);
            w.Write(Partners.Count);
            foreach (var (partner, sources) in Partners)
            {
                w.Write(partner);
                w.Write((byte)sources);
            }
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        return buffer.ToArray();
    }

    /// <summary>Reads and verifies stored proposals of <paramref name="key"/>; <paramref name="source"/> names them in errors.</summary>
    public static CandidateProposals FromBytes(byte[] bytes, string key, string source)
    {
        if (bytes.Length < 4 + Sha256Bytes) throw new InvalidInputException(source, "candidate proposals are truncated");
        var body = bytes.AsSpan(0, bytes.Length - Sha256Bytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - Sha256Bytes)))
            throw new InvalidInputException(source, "checksum mismatch: the candidate proposals are corrupt or truncated");
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
            var version = r.ReadInt32();
            if (version != FormatVersion) throw new InvalidInputException(source, $"candidate proposals of format {version}; this engine reads {FormatVersion}");
            var stored = r.ReadString();
            if (stored != key) throw new InvalidInputException(source, $"holds the proposals of {stored}, not {key}");
            var count = r.ReadInt32();
            if (count is < 0 or > MaxPartners) throw new InvalidInputException(source, $"claims {count} partners");
            var partners = new List<(string, CandidateSource)>(count);
            const CandidateSource known = CandidateSource.Reef | CandidateSource.Weights | CandidateSource.Sample | CandidateSource.Closure;
            for (var i = 0; i < count; i++)
            {
                var partner = r.ReadString();
                var sources = (CandidateSource)r.ReadByte();
                if (sources == CandidateSource.None || (sources & ~known) != 0) throw new InvalidInputException(source, $"partner {partner} has unknown sources {(int)sources}");
                partners.Add((partner, sources));
            }
            if (r.BaseStream.Position != body.Length) throw new InvalidInputException(source, "bytes follow the last partner");
            return new CandidateProposals(stored, partners);
        }
        catch (EndOfStreamException) { throw new InvalidInputException(source, "candidate proposals are truncated"); }
    }
}
