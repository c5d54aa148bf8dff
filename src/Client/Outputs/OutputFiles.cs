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
    /// <summary>The layout of matrix.json and families.json this version writes and reads.</summary>
    public const int FormatVersion = 1;

    public const string Matrix = "matrix.json";
    public const string Families = "families.json";
    public const string Evaluation = "eval.json";
    public const string MatrixCsv = "matrix.csv";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Write(string directory, MatrixFile file) => Write(Path.Combine(directory, Matrix), file, file.FormatVersion);

    public static void Write(string directory, FamiliesFile file) => Write(Path.Combine(directory, Families), file, file.FormatVersion);

    public static void Write(string directory, EvaluationReport file) => Write(Path.Combine(directory, Evaluation), file, file.FormatVersion);

    public static MatrixFile ReadMatrix(string directory) => Read<MatrixFile>(Path.Combine(directory, Matrix), m => m.FormatVersion, FormatVersion);

    public static FamiliesFile ReadFamilies(string directory) => Read<FamiliesFile>(Path.Combine(directory, Families), f => f.FormatVersion, FormatVersion);

    public static EvaluationReport ReadEvaluation(string directory) =>
        Read<EvaluationReport>(Path.Combine(directory, Evaluation), e => e.FormatVersion, EvaluationReport.CurrentFormatVersion);

    /// <summary>The evaluation in the folder, or null when `reef eval` did not write one.</summary>
    public static EvaluationReport? TryReadEvaluation(string directory) =>
        File.Exists(Path.Combine(directory, Evaluation)) ? ReadEvaluation(directory) : null;

    static void Write<T>(string path, T file, int version)
    {
        if (version != FormatVersion) throw new ArgumentException($"{Path.GetFileName(path)}: this version writes format {FormatVersion}, not {version}");
        File.WriteAllText(path, JsonSerializer.Serialize(file, Json) + "\n");
    }

    /// <summary>
    /// Reads a file and checks its layout version. Files written before versions were stated have none and read as
    /// version 1, whose layout they have.
    /// </summary>
    static T Read<T>(string path, Func<T, int> version, int expected)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "not found; `reef scan --out DIR` writes it");
        T file;
        try { file = JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new JsonException("the file holds null"); }
        catch (JsonException e) { throw new InvalidInputException(path, $"not a valid {Path.GetFileName(path)} ({e.Message})"); }
        return version(file) == expected ? file
            : throw new InvalidInputException(path, $"format version {version(file)}; this reef reads version {expected}");
    }
}
