namespace Reef.Engine.Fingerprints;

/// <summary>
/// A model's REEF fingerprint: per layer and preprocessing, the n × n Gram matrix of its last-token
/// activations on a probe set, plus what decides whether two fingerprints may be compared.
/// Raw activations are not kept.
/// </summary>
public sealed record Fingerprint
{
    /// <summary>Version of the capture method; fingerprints from different methods are never compared.</summary>
    public const string CurrentMethod = "reef/last-token-block-output/v1";

    public required ModelIdentity Model { get; init; }
    public required string ProbeSetName { get; init; }
    public required string ProbeHash { get; init; }
    /// <summary>Number of probe statements (the Gram matrices are n × n).</summary>
    public required int Count { get; init; }
    /// <summary>Statements cut to the model's context (their ends kept).</summary>
    public int Truncated { get; init; }
    public string Method { get; init; } = CurrentMethod;
    public string EngineVersion { get; init; } = EngineInfo.Version;
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Grams[preprocessing][layer], each n × n row-major.</summary>
    public required IReadOnlyDictionary<Preprocessing, IReadOnlyList<float[]>> Grams { get; init; }

    public int Layers => Grams.Values.First().Count;

    /// <summary>Builds a fingerprint from captured activations.</summary>
    public static Fingerprint FromActivations(CapturedActivations activations, ModelIdentity model, string probeSetName, string probeHash, int truncated,
        IProgress<ProgressUpdate>? progress = null)
    {
        var preprocessings = Enum.GetValues<Preprocessing>();
        var grams = preprocessings.ToDictionary(p => p, _ => new List<float[]>());
        for (var layer = 0; layer < activations.LayerCount; layer++)
        {
            foreach (var p in preprocessings)
                grams[p].Add(GramMatrix.Compute(activations.Layers[layer], activations.Count, activations.Width, p));
            progress?.Report(new ProgressUpdate("gram", layer + 1, activations.LayerCount, "layers"));
        }
        return new Fingerprint
        {
            Model = model, ProbeSetName = probeSetName, ProbeHash = probeHash, Count = activations.Count,
            Truncated = truncated, Grams = grams.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<float[]>)kv.Value),
        };
    }

    /// <summary>The fingerprint with only <paramref name="preprocessing"/>'s Grams: what a registry stores, since it scores with one.</summary>
    public Fingerprint Keeping(Preprocessing preprocessing) =>
        Grams.TryGetValue(preprocessing, out var grams)
            ? this with { Grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>> { [preprocessing] = grams } }
            : throw new ArgumentException($"fingerprint of {Model.Path} has no {preprocessing} Grams");

    /// <summary>Why <paramref name="other"/> cannot be compared with this one, or null when it can.</summary>
    public string? IncomparableReason(Fingerprint other)
    {
        if (Method != other.Method) return $"capture methods differ ({Method} vs {other.Method})";
        if (ProbeHash != other.ProbeHash)
            return $"probe sets differ ({ProbeSetName} {ProbeHash[..12]} vs {other.ProbeSetName} {other.ProbeHash[..12]}); fingerprint both with the same --probes and --samples";
        if (Count != other.Count) return $"statement counts differ ({Count} vs {other.Count})";
        return null;
    }
}
