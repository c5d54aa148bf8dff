using System.Text.Json;
using System.Text.Json.Serialization;
using Reef.Client.Commands;

namespace Reef.Client.Outputs;

/// <summary>What <c>reef scan --json</c> prints: the scan's counts, its failures, where its files are, and the victim's suspects.</summary>
public sealed record ScanSummary(
    [property: JsonPropertyName("scan")] string Scan,
    [property: JsonPropertyName("models")] int Models,
    [property: JsonPropertyName("fingerprinted")] int Fingerprinted,
    [property: JsonPropertyName("extracted")] int Extracted,
    [property: JsonPropertyName("reused")] int Reused,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("failures")] IReadOnlyList<FailedModel> Failures,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("report")] string Report,
    [property: JsonPropertyName("suspects")] IReadOnlyList<SuspectsCommand.Suspect>? Suspects,
    [property: JsonPropertyName("skipped")] IReadOnlyList<string>? Skipped = null,
    [property: JsonPropertyName("tile_failures")] IReadOnlyList<string>? TileFailures = null,
    [property: JsonPropertyName("repaired")] IReadOnlyList<string>? Repaired = null)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads what <c>reef scan --json</c> printed.</summary>
    public static ScanSummary Parse(string json) => JsonSerializer.Deserialize<ScanSummary>(json) ?? throw new JsonException("empty scan summary");
}
