using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reef.Engine.Derivation;

/// <summary>
/// What was done to make a checkpoint, written beside it as <c>reef_lineage.json</c>: the parent, the operation
/// with its parameters, and the seed. Enough to make the same bytes again.
/// </summary>
public sealed record Lineage(
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

    /// <summary>Writes the record into <paramref name="directory"/>.</summary>
    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads the record of <paramref name="directory"/>, or null when it has none.</summary>
    public static Lineage? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<Lineage>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidInputException(path, $"not a valid lineage record ({e.Message})"); }
    }
}
