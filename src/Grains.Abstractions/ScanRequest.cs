namespace Reef.Grains.Abstractions;

/// <summary>
/// What to scan and how. The hub is listed on the silos (every silo sees it at the same path), never by the client:
/// a scan job needs no access to the hub. Part of the scan grain's stored state.
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.ScanRequest")]
public sealed record ScanRequest
{
    /// <summary>The hub folder, as the silos see it.</summary>
    [Id(0)] public required string Hub { get; init; }
    /// <summary>The registry the scan's models join.</summary>
    [Id(1)] public required string Registry { get; init; }
    // Id 2 was the list of checkpoints, when the client listed the hub; the scan's state keeps them now.
    /// <summary>Probes and forward-pass settings.</summary>
    [Id(3)] public required ExtractionSettings Settings { get; init; }
    /// <summary>How many models are in flight at once (enough to keep every accelerator busy).</summary>
    [Id(4)] public required int Window { get; init; }
    /// <summary>The CKA kernel the registry scores with: linear or rbf.</summary>
    [Id(5)] public string Kernel { get; init; } = "linear";

    /// <summary>Which pairs the registry scores (<see cref="PairModes"/>); absent in requests stored before: all.</summary>
    [Id(6)] public string Pairs { get; init; } = PairModes.All;
}
