using System.Security.Cryptography;
using System.Text;

namespace Reef.Engine.Probes;

/// <summary>
/// The statements every model of a comparison sees, in order. Its <see cref="Hash"/> covers the exact
/// content, so two fingerprints are comparable only when they saw the same probes.
/// </summary>
public sealed class ProbeSet
{
    /// <param name="name">What outputs call the set ("builtin" or the file's name).</param>
    /// <param name="probes">The statements.</param>
    /// <param name="source">Where it was read from, for messages (the file's path); the name when null.</param>
    public ProbeSet(string name, IReadOnlyList<Probe> probes, string? source = null)
    {
        if (probes.Count == 0) throw new ArgumentException("a probe set needs at least one probe");
        Name = name;
        Source = source ?? name;
        Probes = probes;
        Hash = ComputeHash(probes);
    }

    /// <summary>Where the set came from ("builtin" or a file name).</summary>
    public string Name { get; }

    /// <summary>Where the set was read from: the probe file's path, or "builtin"; what error messages name.</summary>
    public string Source { get; }

    public IReadOnlyList<Probe> Probes { get; }

    /// <summary>SHA-256 of the probes' canonical form, hex.</summary>
    public string Hash { get; }

    public int Count => Probes.Count;

    /// <summary>Whether the probes are token ids (no tokenizer needed).</summary>
    public bool IsPreTokenized => Probes[0].Ids != null;

    /// <summary>The first <paramref name="samples"/> probes (REEF's default is the first 200).</summary>
    public ProbeSet Take(int? samples)
    {
        if (samples is not { } n || n >= Count) return this;
        if (n < 1) throw new ArgumentException("--samples must be positive");
        return new ProbeSet(Name, Probes.Take(n).ToList(), Source);
    }

    static string ComputeHash(IReadOnlyList<Probe> probes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in probes)
        {
            var line = p.Text != null ? "t:" + p.Text.Replace("\\", "\\\\").Replace("\n", "\\n") : "i:" + string.Join(",", p.Ids!);
            hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
