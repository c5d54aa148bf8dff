using System.Text.Json.Serialization;

namespace Reef.Engine.Probes;

/// <summary>Which probe set a run used, as its output files name it.</summary>
public sealed record ProbeSetSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("statements")] int Statements)
{
    public static ProbeSetSummary Of(ProbeSet probes) => new(probes.Name, probes.Hash, probes.Count);
}
