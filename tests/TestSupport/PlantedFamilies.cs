using Reef.Engine.Lab.Derivation;

namespace Reef.TestSupport;

/// <summary>
/// Hubs of planted families for the hub-scale tests: each family a random tiny Llama and light derivatives of it (Gaussian
/// noise, a permutation of its hidden units), written as real safetensors checkpoints. Families never share a seed, so any
/// pair across families is unrelated.
/// </summary>
public static class PlantedFamilies
{
    /// <summary>Writes families <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> − 1 under <paramref name="hub"/>; returns each family's ids.</summary>
    public static List<List<string>> Write(string hub, int from, int count, int children = 2)
    {
        var config = RandomModel.SmallLlama(hidden: 32, layers: 2, heads: 4, kvHeads: 2, ffn: 64);
        var families = new List<List<string>>();
        for (var f = from; f < from + count; f++)
        {
            var source = $"f{f:D3}/source";
            RandomModel.WriteCheckpoint(Path.Combine(hub, source), config, seed: 1000 + f, std: 0.15);
            var family = new List<string> { source };
            for (var c = 0; c < children; c++)
            {
                var child = $"f{f:D3}/child-{c}";
                if (c % 2 == 0) GaussianNoise.Apply(Path.Combine(hub, source), Path.Combine(hub, child), 0.02, seed: 10 * f + c);
                else Permute.Apply(Path.Combine(hub, source), Path.Combine(hub, child), seed: 10 * f + c);
                family.Add(child);
            }
            families.Add(family);
        }
        return families;
    }

    /// <summary>Every pair of planted relatives judged derived and no pair across families: the scan's pairs.parquet says so.</summary>
    public static void AssertFound(IReadOnlyList<string> ids, ScanPairs pairs, IReadOnlyList<List<string>> families)
    {
        var familyOf = families.SelectMany((f, i) => f.Select(id => (id, i))).ToDictionary(p => p.id, p => p.i);
        foreach (var family in families)
            for (var i = 0; i < family.Count; i++)
            for (var j = i + 1; j < family.Count; j++)
            {
                var verdict = pairs[family[i], family[j]]?.Verdict;
                Assert.True(verdict == "derived", $"{family[i]} × {family[j]}: planted relatives, {verdict ?? "not verified"}");
            }
        Assert.All(pairs.All, p => Assert.True(p.Verdict != "derived" || familyOf[p.A] == familyOf[p.B], $"{p.A} × {p.B}: unrelated, judged derived"));
        Assert.Equal(familyOf.Keys.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }
}
