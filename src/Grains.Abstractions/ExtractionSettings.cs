namespace Reef.Grains.Abstractions;

/// <summary>How fingerprints are taken: the probe set (stored under its hash) and the forward pass's batch and dtype.</summary>
[GenerateSerializer, Immutable, Alias("reef.ExtractionSettings")]
public sealed record ExtractionSettings
{
    [Id(0)] public required string ProbeHash { get; init; }
    [Id(1)] public required int BatchSize { get; init; }
    [Id(2)] public required string Dtype { get; init; }
    /// <summary>Statements in the probe set (0 in settings stored before it was kept).</summary>
    [Id(3)] public int Statements { get; init; }
    /// <summary>Largest tokenizer.json a silo reads (--max-tokenizer-bytes); 0 for the default.</summary>
    [Id(4)] public long MaxTokenizerBytes { get; init; }
    /// <summary>Largest safetensors header a silo reads (--max-header-bytes); 0 for the default.</summary>
    [Id(5)] public long MaxHeaderBytes { get; init; }
}
