namespace Reef.Grains.Abstractions;

/// <summary>
/// A registry's models without their scores: ids, fingerprint keys, facts, and how the registry scores. What the client
/// needs beside the pairs of a registry too large for a dense matrix.
/// </summary>
[GenerateSerializer, Immutable, Alias("reef.RegistryModels")]
public sealed record RegistryModels(IReadOnlyList<string> Ids, IReadOnlyList<string> FingerprintKeys, IReadOnlyList<ModelFacts?> Facts,
    string Kernel, int Statements, string Pairs);
