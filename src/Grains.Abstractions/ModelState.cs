namespace Reef.Grains.Abstractions;

/// <summary>
/// What a model grain knows about its checkpoint and fingerprint; its stored state. Members keep their names and
/// ids, and new ones are added at the end, so a state stored by an older version still reads.
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.ModelState")]
public sealed record ModelState
{
    /// <summary>Checkpoint folder.</summary>
    [Id(0)] public required string Path { get; init; }
    /// <summary>The folder signature the rest of the state belongs to.</summary>
    [Id(1)] public required string Signature { get; init; }
    /// <summary>The probe set the fingerprint is for.</summary>
    [Id(2)] public required string ProbeHash { get; init; }
    [Id(3)] public required FingerprintStatus Status { get; init; }
    /// <summary>SHA-256 of config and weights, once hashed.</summary>
    [Id(4)] public string? ContentHash { get; init; }
    /// <summary>Store key of the fingerprint, once done.</summary>
    [Id(5)] public string? FingerprintKey { get; init; }
    /// <summary>True when the fingerprint was already in the store (an earlier scan, or an identical checkpoint).</summary>
    [Id(6)] public bool Reused { get; init; }
    /// <summary>The silo that extracted the fingerprint, when this model's request ran the extraction.</summary>
    [Id(7)] public string? Silo { get; init; }
    /// <summary>Why it failed: the file and what is wrong.</summary>
    [Id(8)] public string? FailureReason { get; init; }
    /// <summary>The model's facts, read with the content hash; null in states stored before they were kept.</summary>
    [Id(9)] public ModelFacts? Facts { get; init; }
    /// <summary>
    /// The failure's kind in a word (Reef.Engine.FailureKind): the model's own (invalid_weights, …) or the
    /// infrastructure's (store_unavailable, timeout, io_error, internal_error), which a rescan retries.
    /// </summary>
    [Id(10)] public string? FailureKind { get; init; }
    /// <summary>What was found wrong in the store and made again for this model ("the stored fingerprint … ; extracted again").</summary>
    [Id(11)] public string? Repaired { get; init; }
    /// <summary>
    /// The content hash an earlier version stored for these same files, under its other definition of the hash (a sequential
    /// SHA-256 of the files, before one read hashed per tensor): the fingerprint stored under it is still this model's.
    /// </summary>
    [Id(12)] public string? EarlierContentHash { get; init; }
    /// <summary>
    /// Which definition <see cref="ContentHash"/> follows: 0 in states stored by earlier versions (a sequential SHA-256 of
    /// the files), <see cref="CurrentHashVersion"/> since (per-tensor, one read). A model whose state is older is hashed once
    /// the earlier way as well, so that its fingerprint stored under that hash is found.
    /// </summary>
    [Id(13)] public int HashVersion { get; init; }

    public const int CurrentHashVersion = 2;

    public bool Finished => Status is FingerprintStatus.Done or FingerprintStatus.Failed;
}
