namespace Reef.Grains.Abstractions;

/// <summary>A checkpoint found in the hub: its model id, folder, and folder signature (names, sizes, times).</summary>
[GenerateSerializer, Immutable, Alias("reef.ScanModel")]
public sealed record ScanModel
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Path { get; init; }
    [Id(2)] public required string Signature { get; init; }
}
