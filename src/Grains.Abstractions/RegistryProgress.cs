namespace Reef.Grains.Abstractions;

/// <summary>How far the registry matrix is.</summary>
/// <param name="Ready">Every planned tile is done or has failed.</param>
/// <param name="Error">Why the registry cannot score at all (another kernel); null while it can.</param>
/// <param name="TileFailures">Tiles that failed this update, with why ("tile KEY failed on SILO: …"); their pairs have no scores.</param>
/// <param name="Repaired">Stored tiles found unusable (corrupt, of an older format) and scored again.</param>
[GenerateSerializer, Immutable, Alias("reef.RegistryProgress")]
public sealed record RegistryProgress(int Models, int TilesDone, int TilesTotal, bool Ready, string? Error,
    IReadOnlyList<string>? TileFailures = null, IReadOnlyList<string>? Repaired = null);
