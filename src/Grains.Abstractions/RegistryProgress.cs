namespace Reef.Grains.Abstractions;

/// <summary>How far the registry matrix is.</summary>
[GenerateSerializer, Immutable, Alias("reef.RegistryProgress")]
public sealed record RegistryProgress(int Models, int TilesDone, int TilesTotal, bool Ready, string? Error);
