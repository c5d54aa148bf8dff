using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// What was done to make a checkpoint, written beside it as <c>reef_lineage.json</c> by <c>reef derive</c>, the
/// trainer and the zoo: the parent, the operation with its parameters, and the seed. Enough to make the same bytes
/// again. A scan reads it as one of the checkpoint's own claims about its parent (<see cref="ParentHints"/>).
/// </summary>
public sealed record DerivationRecord(
    string Op,
    string? Parent,
    string? ParentContentHash,
    IReadOnlyDictionary<string, string> Parameters,
    long Seed)
{
    /// <summary>File name beside the checkpoint.</summary>
    public const string FileName = "reef_lineage.json";

    public string EngineVersion { get; init; } = EngineInfo.Version;

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The record of <paramref name="op"/> applied to the checkpoint in <paramref name="parentDirectory"/> (named
    /// <paramref name="parent"/>): the parent is opened, validated and hashed, so the record pins the exact bytes.
    /// </summary>
    public static DerivationRecord For(string op, string parent, string parentDirectory, IReadOnlyDictionary<string, string> parameters, long seed) =>
        new(op, parent, Checkpoint.Open(parentDirectory).ComputeContentHash(), parameters, seed);

    /// <summary>Writes the record into <paramref name="directory"/>.</summary>
    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads the record of <paramref name="directory"/>, or null when it has none.</summary>
    public static DerivationRecord? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<DerivationRecord>(InputFiles.ReadAllBytes(path, FileName, InputLimits.Default.MaxMetadataBytes), Json); }
        catch (JsonException e) { throw new InvalidInputException(path, $"not a valid lineage record ({e.Message})"); }
    }
}
