namespace Reef.Grains.Abstractions;

/// <summary>
/// What the registry's analysis needs to know of a model besides its scores, read on the silo where its checkpoint
/// is open, once: the config's sizes, the parent the checkpoint names, and whether it has a weight signature.
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.ModelFacts")]
public sealed record ModelFacts
{
    /// <summary>Hugging Face class name, e.g. LlamaForCausalLM.</summary>
    [Id(0)] public required string Architecture { get; init; }
    [Id(1)] public required int Layers { get; init; }
    [Id(2)] public required int HiddenSize { get; init; }
    /// <summary>Parameters of the embeddings and blocks.</summary>
    [Id(3)] public required long Parameters { get; init; }
    /// <summary>Names the checkpoint gives for its parent (model card, config, reef_lineage.json), most specific first.</summary>
    [Id(4)] public IReadOnlyList<string> ParentHints { get; init; } = [];
    /// <summary>Store key of the weight signature; null when the model has none.</summary>
    [Id(5)] public string? WeightSignatureKey { get; init; }
    /// <summary>Why the model has no weight signature (a fused layout, no tokenizer, a malformed tokenizer.json).</summary>
    [Id(6)] public string? NoWeightSignature { get; init; }
    /// <summary>Which version of the inspection wrote these facts (0: stored before versions were kept).</summary>
    [Id(7)] public int Version { get; init; }
    /// <summary>Store key of the weight evidence that types and directs the model's lineage edges (null before version 3).</summary>
    [Id(8)] public string? WeightEvidenceKey { get; init; }

    /// <summary>2: every family gets a weight signature (before, GPT-2 and Phi-3 had none). 3: every model gets weight evidence.</summary>
    public const int CurrentVersion = 3;

    /// <summary>
    /// Facts an earlier version wrote without a weight signature this version may be able to give (a GPT-2 or Phi-3 model),
    /// or without weight evidence: worth reading the checkpoint once more for (no fingerprint is extracted again). What was
    /// stored is computed as it was and kept.
    /// </summary>
    public bool MayGainWeightData => Version < CurrentVersion && (WeightSignatureKey == null || WeightEvidenceKey == null);

    /// <summary>Equal facts, parent names compared item by item (a record compares lists by reference).</summary>
    public bool Equals(ModelFacts? other) =>
        other is not null && Architecture == other.Architecture && Layers == other.Layers && HiddenSize == other.HiddenSize &&
        Parameters == other.Parameters && ParentHints.SequenceEqual(other.ParentHints) && WeightSignatureKey == other.WeightSignatureKey &&
        NoWeightSignature == other.NoWeightSignature && Version == other.Version && WeightEvidenceKey == other.WeightEvidenceKey;

    public override int GetHashCode() => HashCode.Combine(Architecture, Layers, HiddenSize, Parameters, WeightSignatureKey);
}
