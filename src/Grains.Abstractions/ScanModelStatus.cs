namespace Reef.Grains.Abstractions;

/// <summary>One model's place in a scan.</summary>
[GenerateSerializer, Immutable, Alias("reef.ScanModelStatus")]
public sealed record ScanModelStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required FingerprintStatus Status { get; init; }
    [Id(2)] public string? FingerprintKey { get; init; }
    /// <summary>The fingerprint was already stored (an earlier scan, an identical checkpoint): nothing extracted for it now.</summary>
    [Id(3)] public bool Reused { get; init; }
    /// <summary>The silo that extracted it.</summary>
    [Id(4)] public string? Silo { get; init; }
    [Id(5)] public string? FailureReason { get; init; }
    /// <summary>The failure's kind in a word: the model's own, or the infrastructure's (a rescan retries those).</summary>
    [Id(6)] public string? FailureKind { get; init; }
    /// <summary>What was found corrupt in the store for this model and made again.</summary>
    [Id(7)] public string? Repaired { get; init; }

    public bool Finished => Status is FingerprintStatus.Done or FingerprintStatus.Failed;
}
