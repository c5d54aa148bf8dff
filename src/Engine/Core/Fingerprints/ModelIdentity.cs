namespace Reef.Engine.Fingerprints;

/// <summary>Which model a fingerprint is of.</summary>
/// <param name="Path">The checkpoint folder as given.</param>
/// <param name="ContentHash">SHA-256 of config.json and the weight files.</param>
/// <param name="Architecture">Hugging Face class name.</param>
/// <param name="Layers">Decoder blocks in the model.</param>
/// <param name="HiddenSize">Width of the residual stream.</param>
/// <param name="Parameters">Parameters in the embeddings and blocks.</param>
public sealed record ModelIdentity(string Path, string ContentHash, string Architecture, int Layers, int HiddenSize, long Parameters);
