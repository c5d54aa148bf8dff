namespace Reef.Engine.Probes;

/// <summary>
/// How many probe statements a fingerprint and a verdict need. CKA compares the shape of n points: with one, every
/// centered Gram matrix is zero (a model against itself scores 0); with two, any two centered representations are
/// the same line (any two models score 1). Unrelated models' CKA is inflated at small n and falls as n grows; on the
/// quick zoo the highest unrelated REEF-layer score was 0.89 at n = 8 (above REEF's 0.8 "derived" band), 0.69 at
/// 16, 0.59 at 32, 0.52 at 64 and 0.47 at 128. REEF's own scores settle at 200–300 statements.
/// </summary>
public static class ProbeRequirements
{
    /// <summary>Fewest statements a fingerprint is taken on: below it, scores say nothing about the models.</summary>
    public const int MinimumForFingerprint = 8;

    /// <summary>Fewest statements a verdict is given on: below it, pairs are judged "insufficient" rather than guessed.</summary>
    public const int MinimumForVerdict = 32;

    /// <summary>Throws (naming the probe set) unless <paramref name="probes"/> can be fingerprinted with.</summary>
    public static void CheckForFingerprint(ProbeSet probes)
    {
        if (probes.Count < MinimumForFingerprint)
            throw new InvalidInputException(probes.Source,
                $"holds {probes.Count} statements; a fingerprint needs at least {MinimumForFingerprint} (with 2, any two models score CKA 1), and a verdict {MinimumForVerdict}");
    }

    /// <summary>Why <paramref name="statements"/> statements are too few for a verdict, or null when they are enough.</summary>
    public static string? InsufficientForVerdict(int statements) =>
        statements < MinimumForVerdict ? $"insufficient probes: {statements} statements, a verdict needs at least {MinimumForVerdict}" : null;
}
