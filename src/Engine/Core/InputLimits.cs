namespace Reef.Engine;

/// <summary>
/// How much of a stranger's file ReefCluster will read. A hub is untrusted input: each limit sits far above what real
/// checkpoints need and far below what would exhaust a silo, and each can be changed on the command line. A file over
/// its limit is bad input (exit 3) naming the file and the limit.
/// </summary>
public sealed record InputLimits
{
    /// <summary>A probe statement's UTF-8 bytes, checked before tokenizing (TruthfulQA's longest is under 500). --max-statement-bytes</summary>
    public long MaxStatementBytes { get; init; } = 64 * 1024;

    /// <summary>tokenizer.json (the largest real ones, Gemma's, are about 33 MB). --max-tokenizer-bytes</summary>
    public long MaxTokenizerBytes { get; init; } = 64L << 20;

    /// <summary>A safetensors JSON header (the reference parser refuses more than 100 MB). --max-header-bytes</summary>
    public long MaxHeaderBytes { get; init; } = 100_000_000;

    /// <summary>Other JSON metadata a checkpoint or hub holds: config.json, the shard index, reef_lineage.json, lineage.json.</summary>
    public long MaxMetadataBytes { get; init; } = 64L << 20;

    /// <summary>A probe file.</summary>
    public long MaxProbeFileBytes { get; init; } = 256L << 20;

    /// <summary>A fingerprint file (.reef): 2 × 80 layers of 300 × 300 Grams is 58 MB.</summary>
    public long MaxFingerprintBytes { get; init; } = 1L << 30;

    public static InputLimits Default { get; } = new();
}
