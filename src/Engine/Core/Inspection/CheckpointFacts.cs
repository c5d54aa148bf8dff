using Reef.Engine.Checkpoints;
using Reef.Engine.Weights;

namespace Reef.Engine.Inspection;

/// <summary>
/// What a scan learns of a checkpoint before (and besides) its fingerprint, in one reading of its folder: the
/// content hash that keys its fingerprint, the config's sizes, the parent it names, and its weight signature.
/// </summary>
/// <param name="ContentHash">SHA-256 of config.json and the weight files.</param>
/// <param name="Architecture">Hugging Face class name.</param>
/// <param name="Layers">Decoder blocks.</param>
/// <param name="HiddenSize">Residual width.</param>
/// <param name="Parameters">Parameters of the embeddings and blocks.</param>
/// <param name="ParentHints">Parent names from the model card, config and reef_lineage.json, most specific first.</param>
/// <param name="WeightSignature">The weight signature; null where the checkpoint cannot give one.</param>
/// <param name="NoWeightSignature">Why there is none.</param>
/// <param name="WeightEvidence">What the raw weights say of how the model was made (<see cref="Weights.WeightEvidence"/>).</param>
public sealed record CheckpointFacts(string ContentHash, string Architecture, int Layers, int HiddenSize, long Parameters,
    IReadOnlyList<ParentHint> ParentHints, WeightSignature? WeightSignature, string? NoWeightSignature, WeightEvidence WeightEvidence);
