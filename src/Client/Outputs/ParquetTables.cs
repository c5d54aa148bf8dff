using Parquet;
using Parquet.Serialization;
using Reef.Engine;

namespace Reef.Client.Outputs;

/// <summary>
/// The Parquet tables a scan writes (pairs.parquet, models.parquet), readable by DuckDB, pandas or Spark. Rows are written in
/// row groups as they are produced, so a hub's millions of pairs are never held as one table beside the analysis; the
/// file appears under its name only once complete, so a crash leaves the previous file or none, never half of one.
/// </summary>
public static class ParquetTables
{
    /// <summary>Rows per row group: large enough for readers to scan fast, small enough to bound the writer's memory.</summary>
    public const int RowGroupRows = 100_000;
    /// <summary>Key of the layout version in each file's key-value metadata.</summary>
    public const string FormatVersionKey = "reef.format_version";

    public static void Write<T>(string path, IEnumerable<T> rows) where T : class, new()
    {
        var metadata = new Dictionary<string, string> { [FormatVersionKey] = OutputFiles.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        OutputFiles.WriteWhole(path, stream =>
        {
            var first = true;
            foreach (var chunk in rows.Chunk(RowGroupRows))
            {
                ParquetSerializer.SerializeAsync(chunk, stream, new ParquetOptions { Append = !first }, metadata).GetAwaiter().GetResult();
                first = false;
            }
            // A table with no rows still has its columns.
            if (first) ParquetSerializer.SerializeAsync(Array.Empty<T>(), stream, null, metadata).GetAwaiter().GetResult();
        });
    }

    /// <summary>
    /// Every row of a table of a layout this version reads (<see cref="OutputFiles.CheckVersion"/>: pairs.parquet and models.parquet
    /// exist since layout 2); a missing, malformed, foreign or lying file is an error naming it, found before anything is allocated
    /// by what it claims (<see cref="ParquetFileCheck"/>).
    /// </summary>
    public static IList<T> Read<T>(string path) where T : class, new()
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "not found; `reef scan --out DIR` writes it");
        using var stream = InputFiles.OpenRegular(path, "Parquet table", OutputFiles.MaxReadBytes);
        var metadata = ParquetFileCheck.Check(stream, path);
        var version = metadata.GetValueOrDefault(FormatVersionKey);
        if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            throw new InvalidInputException(path, $"states no format version ({FormatVersionKey} is {version ?? "absent"}): not a table reef wrote");
        OutputFiles.CheckVersion(path, number, oldest: FirstVersion);
        try
        {
            stream.Seek(0, SeekOrigin.Begin);
            return ParquetSerializer.DeserializeAsync<T>(stream).GetAwaiter().GetResult().Data;
        }
        catch (Exception e) when (e is not InvalidInputException)
        {
            throw new InvalidInputException(path, $"not a readable Parquet table of this layout ({FailureKind.Describe(e)})");
        }
    }

    /// <summary>The first layout with Parquet tables.</summary>
    public const int FirstVersion = 2;
}
