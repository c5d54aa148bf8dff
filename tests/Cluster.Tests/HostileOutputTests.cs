using Reef.Client;
using Reef.Client.Outputs;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// Output files read back are as untrusted as a hub, and the Hugging Face cache as a hub: each case through the reef command line
/// as its own process — exit 3 naming the file and the problem, under 10 s and 1 GB, no stack trace — and a folder of every
/// earlier layout reported. The crafted tables start from a real pairs.parquet (tests/data/outputs-v2, written by reef at
/// layout 2) with one claim changed.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class HostileOutputTests(ITestOutputHelper output)
{
    const string First = "0123456789abcdef0123456789abcdef01234567";

    ReefProcess.Result Reef(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var result = ReefProcess.Run(args, TimeSpan.FromMinutes(2), environment);
        output.WriteLine($"reef {string.Join(' ', args.Select(a => a.Length > 50 ? "…" + a[^30..] : a))}: exit {result.ExitCode}, " +
                         $"{result.Wall.TotalSeconds:F1} s, {result.PeakRssBytes >> 20} MiB: {result.Error.Trim()}");
        Assert.True(result.Wall < TimeSpan.FromSeconds(10), $"took {result.Wall.TotalSeconds:F1} s");
        Assert.True(result.PeakRssBytes < 1L << 30, $"peak RSS {result.PeakRssBytes >> 20} MiB");
        Assert.False(result.ShowsStackTrace, result.ToString());
        return result;
    }

    static void BadInput(ReefProcess.Result result, string file, string problem) => result.AssertBadInput(file, problem);

    static string Layout(string version) => Path.Combine(SharedData.Tests, "outputs-" + version);

    static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    public static TheoryData<string, int[], long, string> FooterClaims => new()
    {
        { "the footer claims 2^62 rows", [3], 1L << 62, "claims 4611686018427387904 rows, but its row groups hold" },
        { "a row group claims 2^62 rows", [4, 0, 3], 1L << 62, "row group 0 claims 4611686018427387904 rows in a file of" },
        { "a row group of a 3 KB file claims 50 M rows", [4, 0, 3], 50_000_000, "row group 0 claims 50000000 rows in a file of" },
        { "a 1 TB column chunk", [4, 0, 1, 0, 3, 7], 1L << 40, "claims 1099511627776 bytes at offset" },
        { "a column chunk claims 2^40 values", [4, 0, 1, 0, 3, 5], 1L << 40, "claims 1099511627776 values" },
    };

    [Theory]
    [MemberData(nameof(FooterClaims))]
    public void APairsTableWhoseFooterLiesIsRefusedBeforeAnythingIsAllocated(string name, int[] field, long value, string problem)
    {
        using var temp = new TempDirectory();
        var folder = Copy(Layout("v2"), temp.Sub("out"));
        var pairs = Path.Combine(folder, PairsTable.File);
        File.WriteAllBytes(pairs, ParquetCraft.SetFooterInteger(File.ReadAllBytes(pairs), value, field));
        output.WriteLine(name);
        BadInput(Reef(null, "report", folder), pairs, problem);
    }

    [Theory]
    [InlineData(2, 1_500_000_000L, "has a page at offset")]
    [InlineData(3, 2_000_000_000L, "has a page at offset")]
    public void APageClaimingGigabytesIsRefused(int field, long value, string problem)
    {
        using var temp = new TempDirectory();
        var folder = Copy(Layout("v2"), temp.Sub("out"));
        var pairs = Path.Combine(folder, PairsTable.File);
        var bytes = File.ReadAllBytes(pairs);
        File.WriteAllBytes(pairs, ParquetCraft.SetPageInteger(bytes, LastChunkStart(pairs), field, value));
        BadInput(Reef(null, "report", folder), pairs, problem);
    }

    [Fact]
    public async Task ATruncatedOrForeignTableIsRefusedNamingIt()
    {
        using var temp = new TempDirectory();
        var folder = Copy(Layout("v2"), temp.Sub("out"));
        var pairs = Path.Combine(folder, PairsTable.File);
        var bytes = File.ReadAllBytes(pairs);
        File.WriteAllBytes(pairs, bytes[..(bytes.Length / 2)]);
        BadInput(Reef(null, "report", folder), pairs, "does not end with Parquet's magic");

        var lying = bytes.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lying.AsSpan(lying.Length - 8), 1_000_000_000);
        File.WriteAllBytes(pairs, lying);
        BadInput(Reef(null, "report", folder), pairs, "claims a footer of 1000000000 bytes");

        // A table of a layout from the future: refused naming its version, not misread.
        var rows = ParquetTables.Read<PairRow>(Path.Combine(Layout("v2"), PairsTable.File));
        await using (var stream = File.Create(pairs))
            await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, stream, null, new Dictionary<string, string> { [ParquetTables.FormatVersionKey] = "9" });
        BadInput(Reef(null, "report", folder), pairs, "format version 9, written by a newer reef; this reef reads versions 2 to 3");
    }

    /// <summary>One version policy for every output file: a folder of each earlier layout is reported (layout 1: JSON only; 2: Parquet tables).</summary>
    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void AFolderOfEveryEarlierLayoutIsReported(string version)
    {
        using var temp = new TempDirectory();
        var folder = Copy(Layout(version), temp.Sub("out"));
        var result = Reef(null, "report", folder);
        Assert.True(result.ExitCode == 0, result.ToString());
        var html = File.ReadAllText(Path.Combine(folder, "report.html"));
        foreach (var id in OutputFiles.ReadMatrix(folder).Ids) Assert.Contains(id, html);
    }

    static long LastChunkStart(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = Parquet.ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return reader.Metadata!.RowGroups.SelectMany(g => g.Columns).Select(c => c.MetaData!)
                .Max(m => m.DictionaryPageOffset is { } d && d > 0 ? d : m.DataPageOffset);
        }
        finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    /// <summary>
    /// The Hugging Face cache by id meets a scan's link rules: a snapshot or a ref that links out of the cache is refused, and what
    /// the ref outside holds is never shown; a GGUF repository's file is found by id, by the id a scan prints, or by name.
    /// </summary>
    [Fact]
    public void TheCacheByIdFollowsAScansLinkRulesAndFindsGgufFiles()
    {
        using var temp = new TempDirectory();
        var corpus = temp.Sub("corpus");
        HostileModels.Write(corpus);
        var cache = temp.Sub("cache");
        var environment = new Dictionary<string, string> { ["HF_HUB_CACHE"] = cache };
        var model = Path.Combine(corpus, "valid-safetensors");
        var gguf = Path.Combine(corpus, "valid.gguf");
        HfCacheLayout.Add(cache, "org/plain", First, model);

        // A snapshot folder that is a link out of the cache.
        var outside = Copy(model, temp.Sub("outside/model"));
        var escaping = Path.Combine(cache, "models--org--escape");
        Directory.CreateDirectory(Path.Combine(escaping, "snapshots"));
        Directory.CreateDirectory(Path.Combine(escaping, "refs"));
        File.WriteAllText(Path.Combine(escaping, "refs", "main"), First);
        Directory.CreateSymbolicLink(Path.Combine(escaping, "snapshots", First), outside);
        BadInput(Reef(environment, "fingerprint", "org/escape", "--samples", "16", "--out", temp.Sub("e.reef")),
            Path.Combine(escaping, "snapshots", First), "links outside the Hugging Face cache");
        // The same folder scanned as a hub: the scan refuses it too (a link out of the hub is not followed).
        var scan = Reef(null, "scan", cache, "--state", temp.Sub("state"), "--out", temp.Sub("scan"), "--samples", "16", "--json");
        Assert.Contains(ScanSummary.Parse(scan.Out).Skipped!, s => s.Contains("out of the hub"));

        // A ref that links out of the cache, to a file holding a secret: refused, and the secret never printed.
        var secret = temp.Sub("outside/secret.txt");
        File.WriteAllText(secret, "hunter2-0123456789-this-must-never-be-echoed");
        var refs = Path.Combine(cache, "models--org--plain", "refs", "main");
        File.Delete(refs);
        File.CreateSymbolicLink(refs, secret);
        var leak = Reef(environment, "fingerprint", "org/plain", "--samples", "16", "--out", temp.Sub("p.reef"));
        BadInput(leak, refs, "links outside the Hugging Face cache");
        Assert.DoesNotContain("hunter2", leak.Error + leak.Out);
        File.Delete(refs);
        File.WriteAllText(refs, "hunter2 is not a commit");
        var malformed = Reef(environment, "fingerprint", "org/plain", "--samples", "16", "--out", temp.Sub("p.reef"));
        BadInput(malformed, refs, "does not hold a commit hash");
        Assert.DoesNotContain("hunter2", malformed.Error + malformed.Out);

        // GGUF repositories: one file is the model; with several, name one; the scan's id names one too.
        HfCacheLayout.Add(cache, "org/one-gguf", First, gguf);
        Assert.Equal(0, Reef(environment, "fingerprint", "org/one-gguf", "--samples", "16", "--out", temp.Sub("g1.reef")).ExitCode);
        var second = Path.Combine(corpus, "valid-q8.gguf");
        File.Copy(gguf, second);
        var several = HfCacheLayout.Add(cache, "org/two-gguf", First, gguf);
        File.CreateSymbolicLink(Path.Combine(several, "valid-q8.gguf"), Directory.GetFiles(Path.Combine(cache, "models--org--two-gguf", "blobs")).Single());
        BadInput(Reef(environment, "fingerprint", "org/two-gguf", "--samples", "16", "--out", temp.Sub("g2.reef")), "org/two-gguf", "holds 2 GGUF files (valid-q8.gguf, valid.gguf): name one, as org/two-gguf:valid-q8.gguf");
        Assert.Equal(0, Reef(environment, "fingerprint", "org/two-gguf:valid.gguf", "--samples", "16", "--out", temp.Sub("g3.reef")).ExitCode);
        Assert.Equal(0, Reef(environment, "fingerprint", $"org/two-gguf@{First}/valid-q8.gguf", "--samples", "16", "--out", temp.Sub("g4.reef")).ExitCode);
        var compare = Reef(environment, "compare", "org/one-gguf", $"org/two-gguf@{First}/valid-q8.gguf", "--samples", "16", "--json");
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Contains("\"derived\"", compare.Out);
    }
}
