using System.Text.Json;
using Reef.Engine;
using Reef.Engine.Analysis.Evaluation;

namespace Reef.Client.Outputs;

/// <summary>
/// The files a scan or an evaluation writes into its output folder, written and read through their records alone:
/// the report, the tests and any other reader see exactly what the writer meant. Each file states its layout's version.
/// </summary>
public static class OutputFiles
{
    /// <summary>
    /// The layout of matrix.json, families.json and the Parquet tables this version writes. Version 2 made matrix.json's
    /// N × N views optional (pairs.parquet holds the pairs); version 1 folders, whose layout is the dense case of it, still read.
    /// Version 3 made the lineage a DAG: families.json lists one edge per parent (a merge has several), each typed, with a
    /// confidence and its evidence, and models.parquet gains the edge's kind and a merge's parents; earlier files still read.
    /// </summary>
    public const int FormatVersion = 3;

    /// <summary>
    /// The largest hub whose N × N views (matrix.csv, matrix.json's matrices, the full heatmap) a scan writes by default:
    /// at 2,000 models matrix.json is about 0.3 GB; above it the outputs are pairs.parquet, models.parquet and families.json.
    /// </summary>
    public const int DefaultDenseViewsUpTo = 2_000;

    public const string Matrix = "matrix.json";
    public const string Families = "families.json";
    public const string Evaluation = "eval.json";
    public const string MatrixCsv = "matrix.csv";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Write(string directory, MatrixFile file) => Write(Path.Combine(directory, Matrix), file, file.FormatVersion, FormatVersion);

    public static void Write(string directory, FamiliesFile file) => Write(Path.Combine(directory, Families), file, file.FormatVersion, FormatVersion);

    public static void Write(string directory, EvaluationReport file) => Write(Path.Combine(directory, Evaluation), file, file.FormatVersion, EvaluationReport.CurrentFormatVersion);

    public static MatrixFile ReadMatrix(string directory) => Read<MatrixFile>(Path.Combine(directory, Matrix), m => m.FormatVersion, FormatVersion, OldestRead);

    public static FamiliesFile ReadFamilies(string directory) => Read<FamiliesFile>(Path.Combine(directory, Families), f => f.FormatVersion, FormatVersion, OldestRead);

    /// <summary>The oldest layout of matrix.json and families.json this version reads.</summary>
    const int OldestRead = 1;

    /// <summary>eval.json of this layout or the first (which lacks the provenance graph's figures: they read as absent).</summary>
    public static EvaluationReport ReadEvaluation(string directory) =>
        Read<EvaluationReport>(Path.Combine(directory, Evaluation), e => e.FormatVersion, EvaluationReport.CurrentFormatVersion, oldest: 1);

    /// <summary>The evaluation in the folder, or null when `reef eval` did not write one.</summary>
    public static EvaluationReport? TryReadEvaluation(string directory) =>
        File.Exists(Path.Combine(directory, Evaluation)) ? ReadEvaluation(directory) : null;

    static void Write<T>(string path, T file, int version, int current)
    {
        if (version != current) throw new ArgumentException($"{Path.GetFileName(path)}: this version writes format {current}, not {version}");
        // Streamed, not built as one string: a 2,000-model matrix.json is hundreds of megabytes.
        WriteWhole(path, stream =>
        {
            JsonSerializer.Serialize(stream, file, Json);
            stream.WriteByte((byte)'\n');
        });
    }

    /// <summary>
    /// Every output file is written through here: into PATH.partial, then renamed over PATH, so a crash or a stop leaves
    /// the previous file or none, never half of one.
    /// </summary>
    public static void WriteWhole(string path, Action<Stream> write)
    {
        var partial = path + ".partial";
        using (var stream = File.Create(partial)) write(stream);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// Reads a file and checks its layout version is one this version reads (<paramref name="oldest"/> to <paramref name="newest"/>).
    /// Files written before versions were stated have none and read as version 1, whose layout they have.
    /// </summary>
    /// <summary>
    /// Largest output file read back (a folder handed to `reef report` may come from anyone): what is read is held in
    /// memory, several times its size on disk. matrix.json at the default --dense-up-to (2,000 models) is about 0.3 GB;
    /// pairs.parquet of 10⁶ models with 20 pairs each about 1 GB.
    /// </summary>
    public const long MaxReadBytes = 2L << 30;

    static T Read<T>(string path, Func<T, int> version, int newest, int oldest)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "not found; `reef scan --out DIR` writes it");
        T file;
        using var stream = InputFiles.OpenRegular(path, Path.GetFileName(path), MaxReadBytes);
        try { file = JsonSerializer.Deserialize<T>(stream, Json) ?? throw new JsonException("the file holds null"); }
        catch (JsonException e) { throw new InvalidInputException(path, $"not a valid {Path.GetFileName(path)} ({e.Message})"); }
        CheckVersion(path, version(file), oldest, newest);
        return file;
    }

    /// <summary>
    /// The one version policy of every output file (matrix.json, families.json, pairs.parquet, models.parquet): a layout from
    /// <paramref name="oldest"/> to <paramref name="newest"/> reads, through today's records (what a later layout added reads as
    /// absent); any other is refused naming its version, so a folder from any earlier reef is reported or refused, never misread.
    /// </summary>
    public static void CheckVersion(string path, int version, int oldest = OldestRead, int newest = FormatVersion)
    {
        if (version > newest)
            throw new InvalidInputException(path, $"format version {version}, written by a newer reef; this reef reads versions {oldest} to {newest}");
        if (version < oldest) throw new InvalidInputException(path, $"format version {version}; this reef reads versions {oldest} to {newest}");
    }
}
