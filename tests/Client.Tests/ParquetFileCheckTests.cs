using Reef.Client.Outputs;
using Reef.Engine;

namespace Reef.Client.Tests;

/// <summary>
/// A Parquet table's claims are held against its length before the library reads it (quick, in-process versions of
/// HostileOutputTests), and a real one passes: reef's own layout 2 tables (tests/data/outputs-v2).
/// </summary>
public class ParquetFileCheckTests
{
    static readonly string Pairs = Path.Combine(SharedData.Tests, "outputs-v2", PairsTable.File);

    static string Refused(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return Assert.Throws<InvalidInputException>(() => ParquetFileCheck.Check(stream, "pairs.parquet")).Reason;
    }

    [Fact]
    public void ARealTableIsReadAndEveryLieIsNamed()
    {
        var bytes = File.ReadAllBytes(Pairs);
        using (var stream = new MemoryStream(bytes)) Assert.Equal("2", ParquetFileCheck.Check(stream, Pairs)[ParquetTables.FormatVersionKey]);
        Assert.Equal(15, ParquetTables.Read<PairRow>(Pairs).Count);

        Assert.Contains("its footer claims 4611686018427387904 rows", Refused(ParquetCraft.SetFooterInteger(bytes, 1L << 62, 3)));
        Assert.Contains("row group 0 claims 50000000 rows in a file of", Refused(ParquetCraft.SetFooterInteger(bytes, 50_000_000, 4, 0, 3)));
        Assert.Contains("claims 1099511627776 bytes at offset", Refused(ParquetCraft.SetFooterInteger(bytes, 1L << 40, 4, 0, 1, 0, 3, 7)));
        Assert.Contains("1500000000 uncompressed", Refused(ParquetCraft.SetPageInteger(bytes, 4, 2, 1_500_000_000)));
        // A footer whose schema list claims 268 M elements in its few hundred bytes is refused by the walk, before the library parses it:
        // FileMetaData's field 1 (version, 2 bytes), then field 2's header and the list header at byte 3, made "15 or more, count follows".
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var footer = bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength).ToArray();
        Assert.Equal(0x19, footer[2]);
        byte[] lying = [.. footer[..3], 0xFC, 0xFF, 0xFF, 0xFF, 0x7F, .. footer[4..]];
        byte[] listed = [.. bytes.AsSpan(0, bytes.Length - 8 - footerLength), .. lying, .. BitConverter.GetBytes(lying.Length), .. "PAR1"u8];
        Assert.Contains("footer is malformed", Refused(listed));
    }
}
