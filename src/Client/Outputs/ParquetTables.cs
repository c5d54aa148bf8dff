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

    /// <summary>Every row of a table this version writes; a missing, malformed or foreign file is an error naming it.</summary>
    public static IList<T> Read<T>(string path) where T : class, new()
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "not found; `reef scan --out DIR` writes it");
        using var stream = InputFiles.OpenRegular(path, "Parquet table", OutputFiles.MaxReadBytes);
        try
        {
            var result = ParquetSerializer.DeserializeAsync<T>(stream).GetAwaiter().GetResult();
            var version = result.CustomMetadata?.GetValueOrDefault(FormatVersionKey);
            return version == OutputFiles.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) ? result.Data
                : throw new InvalidInputException(path, $"format version {version ?? "(none)"}; this reef reads version {OutputFiles.FormatVersion}");
        }
        catch (Exception e) when (e is not InvalidInputException and not OutOfMemoryException)
        {
            throw new InvalidInputException(path, $"not a readable Parquet table of this layout ({e.Message})");
        }
    }
}
