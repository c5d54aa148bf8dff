namespace Reef.Engine.Analysis;

/// <summary>What the verdicts and the lineage need to know of a registry model besides its scores.</summary>
/// <param name="Id">Model id.</param>
/// <param name="Architecture">Hugging Face class name.</param>
/// <param name="Layers">Decoder blocks.</param>
/// <param name="HiddenSize">Residual width.</param>
/// <param name="Parameters">Parameters in the embeddings and blocks (structured pruning lowers it).</param>
/// <param name="ContentKey">Fingerprint or content key: two models with the same key are the same weights.</param>
public sealed record RegistryModel(string Id, string Architecture, int Layers, int HiddenSize, long Parameters, string ContentKey);
