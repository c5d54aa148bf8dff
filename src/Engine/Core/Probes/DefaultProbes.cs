namespace Reef.Engine.Probes;

/// <summary>
/// The built-in probe set: 281 complete English statements, true and false, on varied subjects, written for
/// ReefCluster. Every one ends in a full stop: DESIGN.md measured that statements cut mid-word make even
/// unrelated models look alike, because the last token carries the fingerprint.
/// </summary>
public static class DefaultProbes
{
    /// <summary>The name fingerprints record for this set.</summary>
    public const string Name = "builtin";

    /// <summary>Loads the set from the assembly.</summary>
    public static ProbeSet Load()
    {
        using var stream = typeof(DefaultProbes).Assembly.GetManifestResourceStream("Reef.Engine.Probes.default_probes.txt")
            ?? throw new InvalidOperationException("built-in probe resource is missing from Reef.Engine");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return new ProbeSet(Name, lines.Select(Probe.FromText).ToList());
    }
}
