using Reef.Engine.Candidates;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using Xunit.Abstractions;

namespace Reef.Engine.Tests;

/// <summary>
/// The candidate stage: sketches keep the inner products the verdicts use, within their stated error; the approximate index
/// finds what the exact one finds, grows and shrinks model by model; closure and calibration samples add what they should.
/// </summary>
public class CandidateTests(ITestOutputHelper output)
{
    [Fact]
    public void CountSketchKeepsInnerProductsWithinItsError()
    {
        const int length = 20_100, width = 128;
        var random = new Random(5);
        var sketch = new CountSketch(width, 42);
        foreach (var target in new[] { 0.0, 0.3, 0.6, 0.9, 1.0 })
        {
            var (x, y) = UnitPair(random, length, target);
            var estimate = Dot(sketch.Of([x]), sketch.Of([y]));
            output.WriteLine($"⟨x,y⟩ {target:F1}: sketch {estimate:F3}");
            var error = Math.Sqrt((1 + target * target) / width);
            Assert.True(Math.Abs(estimate - target) < 4 * error, $"⟨x,y⟩ = {target}: sketch says {estimate:F3} (standard error {error:F3})");
        }
    }

    [Fact]
    public void ReefSketchEstimatesMeanCkaAtItsDepths()
    {
        var random = new Random(7);
        const int n = 64, width = 48, layers = 8;
        var baseActivations = Enumerable.Range(0, layers).Select(_ => Gaussian(random, n * width)).ToList();
        Fingerprint Make(string name, double noise, bool independent) => new()
        {
            Model = new ModelIdentity(name, name, "LlamaForCausalLM", layers, width, 0),
            ProbeSetName = "test", ProbeHash = new string('0', 64), Count = n,
            Grams = new Dictionary<Preprocessing, IReadOnlyList<float[]>>
            {
                [Preprocessing.Standardized] = baseActivations.Select(a =>
                {
                    var x = independent ? Gaussian(random, n * width) : a.Select(v => (float)(v + noise * Gaussian(random))).ToArray();
                    return GramMatrix.Compute(x, n, width, Preprocessing.Standardized);
                }).ToList(),
            },
        };
        var parent = Make("parent", 0, false);
        foreach (var other in new[] { Make("close", 0.3, false), Make("far", 1.5, false), Make("unrelated", 0, true) })
        {
            var exact = LayerMatrix.Compute(parent, other, Kernel.Linear, Preprocessing.Standardized);
            var mean = SketchDepths.Relative.Average(d => exact[SketchDepths.LayerAt(d, layers), SketchDepths.LayerAt(d, layers)]);
            var estimate = Dot(ReefSketch.Of(parent), ReefSketch.Of(other));
            output.WriteLine($"{other.Model.Path}: mean CKA at the sketch's depths {mean:F3}, sketch {estimate:F3}");
            // Three rows of 128 buckets: standard error ≈ √(2/128)/√3 ≈ 0.07 at most.
            Assert.True(Math.Abs(estimate - mean) < 0.15, $"{other.Model.Path}: mean CKA {mean:F3}, sketch {estimate:F3}");
        }
        Assert.Equal(1.0, Dot(ReefSketch.Of(parent), ReefSketch.Of(parent)), 1e-5);
    }

    [Fact]
    public void HnswIndexFindsWhatTheExactIndexFindsAndGrowsAndShrinks()
    {
        var random = new Random(11);
        const int dimensions = 96, models = 600;
        // Clusters of 6 around random centres, so neighbours are meaningful.
        var centres = Enumerable.Range(0, models / 6).Select(_ => Unit(Gaussian(random, dimensions))).ToList();
        var sketches = Enumerable.Range(0, models).Select(i => Unit(centres[i / 6].Zip(Gaussian(random, dimensions), (c, g) => c + 0.05f * g).ToArray())).ToList();
        var keys = Enumerable.Range(0, models).Select(i => (long)i).ToList();
        using var exact = new ExactNeighbourIndex(dimensions);
        using var hnsw = new HnswNeighbourIndex(dimensions);
        // Two batches: a hub that grows.
        exact.Add(keys[..400], sketches[..400]);
        hnsw.Add(keys[..400], sketches[..400]);
        exact.Add(keys[400..], sketches[400..]);
        hnsw.Add(keys[400..], sketches[400..]);
        Assert.Equal(models, hnsw.Count);

        int agree = 0, total = 0;
        for (var i = 0; i < models; i++)
        {
            var truth = exact.Search(sketches[i], 6).Select(n => n.Key).ToHashSet();
            var found = hnsw.Search(sketches[i], 6);
            Assert.Equal(i, found[0].Key);
            Assert.InRange(found[0].Score, 0.99f, 1.01f);
            agree += found.Count(n => truth.Contains(n.Key));
            total += truth.Count;
        }
        Assert.True(agree >= 0.99 * total, $"HNSW recalled {agree}/{total} of the exact top 6");

        hnsw.Remove(7);
        exact.Remove(7);
        Assert.Equal(models - 1, hnsw.Count);
        Assert.DoesNotContain(hnsw.Search(sketches[7], 10), n => n.Key == 7);
        Assert.DoesNotContain(exact.Search(sketches[7], 10), n => n.Key == 7);
    }

    [Fact]
    public void NeighboursAreTheTopKPlusThoseAboveTheFloor()
    {
        var policy = new CandidatePolicy(Neighbours: 2, Widest: 10, ReefFloor: 0.5f);
        Neighbour[] found = [new(1, 1f), new(2, 0.9f), new(3, 0.8f), new(4, 0.55f), new(5, 0.45f), new(6, 0.2f)];
        Assert.Equal([2L, 3L, 4L], policy.Select(found, key: 1, policy.ReefFloor).Select(n => n.Key));
    }

    /// <summary>
    /// The floor stays the policy's where unrelated sketches are unrelated, rises above a hub's common look where every model
    /// looks alike, and stays below the relatives even when a quarter of random pairs are relatives.
    /// </summary>
    [Fact]
    public void SketchFloorRisesToWhereThisHubsRandomPairsStop()
    {
        var random = new Random(13);
        var unrelated = Enumerable.Range(0, 400).Select(_ => Unit(Gaussian(random, 384))).ToList();
        Assert.Equal(0.6f, SketchFloor.Of(unrelated, 0.6f));

        // Every model shares one large component (tiny random models, one base model's fine-tunes): pairs score 0.8 ± 0.02.
        var common = Unit(Gaussian(random, 384));
        float[] Alike(float[] center, double weight) => Unit(center.Zip(Gaussian(random, 384), (c, g) => (float)(weight * c + (1 - weight) * g / Math.Sqrt(384) * 2)).ToArray());
        var alike = Enumerable.Range(0, 400).Select(_ => Alike(common, 0.5)).ToList();
        var typical = Enumerable.Range(1, 200).Average(k => ExactNeighbourIndex.Dot(alike[k - 1], alike[k]));
        var floor = SketchFloor.Of(alike, 0.6f);
        Assert.True(floor > typical + 0.02 && floor < 0.99, $"floor {floor} for pairs scoring {typical:F3}");

        // Four families of 100 sharing their own centre: a quarter of random pairs are relatives, which must stay above.
        var centres = Enumerable.Range(0, 4).Select(_ => Alike(common, 0.5)).ToList();
        var families = Enumerable.Range(0, 400).Select(i => Alike(centres[i % 4], 0.85)).ToList();
        var relatives = Enumerable.Range(0, 100).Min(k => ExactNeighbourIndex.Dot(families[4 * k], families[(4 * k + 4) % 400]));
        var familyFloor = SketchFloor.Of(families, 0.6f);
        Assert.True(familyFloor < relatives, $"floor {familyFloor} above the lowest relatives' score {relatives:F3}");
    }

    [Fact]
    public void ClosureAddsPairsTwoHopsApartUnlessAModelHasTooManyRelatives()
    {
        var pairs = new CandidatePairs();
        pairs.Add(1, 2, CandidateSource.Reef);
        pairs.Add(1, 3, CandidateSource.Weights);
        // 10 is a base model with four fine-tunes: more than the degree allowed below.
        foreach (var child in new long[] { 11, 12, 13, 14 }) pairs.Add(10, child, CandidateSource.Reef);

        var derived = pairs.All.Select(p => (p.A, p.B)).ToList();
        var added = pairs.AddClosure(derived, maxDegree: 3);
        Assert.Equal([(2L, 3L)], added);
        Assert.Equal(CandidateSource.Closure, pairs.SourcesOf(3, 2));
        Assert.False(pairs.Contains(11, 12));
        // Nothing new the second time: the caller's loop ends.
        Assert.Empty(pairs.AddClosure(pairs.All.Select(p => (p.A, p.B)), maxDegree: 3));
    }

    [Fact]
    public void ClosureGrownRoundByRoundAddsWhatOneRoundOverEveryPairDoes()
    {
        // 60 models in families of 6, each family a random tree of related pairs, handed over in five rounds.
        var random = new Random(11);
        var related = new List<(long, long)>();
        for (var f = 0; f < 10; f++)
            for (var m = 1; m < 6; m++)
                related.Add((6 * f + random.Next(m), 6 * f + m));
        var shuffled = related.OrderBy(_ => random.Next()).ToList();

        var once = new CandidatePairs();
        once.AddClosure(related, maxDegree: 64);
        var rounds = new CandidatePairs();
        var graph = new RelatedGraph(maxDegree: 64);
        var added = 0;
        foreach (var round in shuffled.Chunk(7)) added += rounds.AddClosure(graph, round).Count;

        Assert.Equal(once.All.Select(p => (p.A, p.B)).Order(), rounds.All.Select(p => (p.A, p.B)).Order());
        Assert.Equal(once.Count, added);
        Assert.True(added > 0);
        Assert.Equal(related.Count, graph.Edges);
        // Nothing known is new: handing the same pairs over again adds nothing.
        Assert.Empty(rounds.AddClosure(graph, related));

        // A model whose related neighbours pass the degree, within one round or over two, closes nothing around it.
        var hub = new RelatedGraph(maxDegree: 3);
        Assert.Equal(3, hub.Add([(0, 1), (0, 2)]).Count + hub.Add([(0, 3)]).Count);
        Assert.Empty(hub.Add([(0, 4), (0, 5)]));
        hub.Remove(new HashSet<long> { 0 });
        Assert.Equal(0, hub.Edges);
    }

    [Fact]
    public void CalibrationSamplesAreRepeatableAndAvoidCandidates()
    {
        var population = Enumerable.Range(0, 50).Select(i => (long)i).ToList();
        CandidatePairs Draw()
        {
            var pairs = new CandidatePairs();
            pairs.Add(3, 4, CandidateSource.Reef);
            pairs.AddSamples(3, population, 8);
            return pairs;
        }
        var first = Draw();
        var second = Draw();
        Assert.Equal(first.All.OrderBy(p => p.A).ThenBy(p => p.B), second.All.OrderBy(p => p.A).ThenBy(p => p.B));
        Assert.Equal(8, first.All.Count(p => p.Sources == CandidateSource.Sample));
        Assert.Equal(CandidateSource.Reef, first.SourcesOf(3, 4));
        Assert.DoesNotContain(first.All, p => p.A == p.B);
    }

    /// <summary>
    /// A registry that starts again over a grown hub takes back what its old models' searches proposed (through their
    /// stored bytes) and searches only the new ones: every old pair comes back with its sources, and every pair added
    /// involves a new model. Searching the old models again would draw other samples from the larger population.
    /// </summary>
    [Fact]
    public void ARegistryThatStartsAgainRestoresOldSearchesAndSearchesOnlyNewModels()
    {
        var random = new Random(21);
        var centres = Enumerable.Range(0, 22).Select(_ => Unit(Gaussian(random, ReefSketch.Dimensions))).ToList();
        var sketches = Enumerable.Range(0, 110).Select(i => Unit(centres[i / 5].Zip(Gaussian(random, ReefSketch.Dimensions), (c, g) => c + 0.05f * g).ToArray())).ToList();
        var keys = Enumerable.Range(0, 110).Select(i => $"k{i * 7919 % 110:D3}").ToList();
        List<(string, float[], float[]?)> Models(int count) => Enumerable.Range(0, count).Select(i => (keys[i], sketches[i], (float[]?)null)).ToList();

        using var first = new CandidateRegistry(CandidatePolicy.Default, exact: true);
        first.Add(Models(100));
        var stored = first.SearchNew().ToDictionary(p => p.Key, p => p.ToBytes());
        Assert.Equal(100, stored.Count);
        var before = PairsByKey(first);

        using var again = new CandidateRegistry(CandidatePolicy.Default, exact: true);
        again.Add(Models(110));
        foreach (var (key, bytes) in stored) Assert.True(again.Restore(CandidateProposals.FromBytes(bytes, key, "proposals/" + key)));
        var searched = again.SearchNew();
        Assert.Equal(keys[100..].Order(), searched.Select(p => p.Key).Order());
        var after = PairsByKey(again);
        foreach (var (pair, sources) in before)
            Assert.True(after.TryGetValue(pair, out var s) && (s & sources) == sources, $"{pair} lost");
        var newKeys = keys[100..].ToHashSet();
        var fresh = after.Keys.Except(before.Keys).ToList();
        Assert.NotEmpty(fresh);
        Assert.All(fresh, p => Assert.True(newKeys.Contains(p.Item1) || newKeys.Contains(p.Item2), $"{p}: a pair of old models"));

        // Stored proposals are verified before use: a flipped byte, another model's, a truncation.
        var bytes0 = stored[keys[0]];
        var flipped = (byte[])bytes0.Clone();
        flipped[6] ^= 1;
        Assert.Contains("checksum", Assert.Throws<InvalidInputException>(() => CandidateProposals.FromBytes(flipped, keys[0], "p")).Message);
        Assert.Contains("not " + keys[1], Assert.Throws<InvalidInputException>(() => CandidateProposals.FromBytes(bytes0, keys[1], "p")).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => CandidateProposals.FromBytes(bytes0[..10], keys[0], "p")).Message);
    }

    static Dictionary<(string, string), CandidateSource> PairsByKey(CandidateRegistry registry) =>
        registry.Pairs.All.ToDictionary(p => string.CompareOrdinal(registry.KeyOf(p.A), registry.KeyOf(p.B)) < 0
            ? (registry.KeyOf(p.A), registry.KeyOf(p.B)) : (registry.KeyOf(p.B), registry.KeyOf(p.A)), p => p.Sources);

    [Fact]
    public void StoredSketchesAreVerifiedBeforeUse()
    {
        var sketch = Enumerable.Range(0, ReefSketch.Dimensions).Select(i => (float)Math.Sin(i)).ToArray();
        var bytes = SketchFile.ToBytes(SketchKind.Reef, sketch);
        Assert.Equal(sketch, SketchFile.FromBytes(bytes, SketchKind.Reef, "sketches/reef/x"));

        var wrongKind = Assert.Throws<InvalidInputException>(() => SketchFile.FromBytes(bytes, SketchKind.Weights, "sketches/weights/y"));
        Assert.Contains("sketches/weights/y", wrongKind.Message);
        var flipped = (byte[])bytes.Clone();
        flipped[40] ^= 1;
        Assert.Contains("checksum", Assert.Throws<InvalidInputException>(() => SketchFile.FromBytes(flipped, SketchKind.Reef, "k")).Message);
        Assert.Contains("checksum", Assert.Throws<InvalidInputException>(() => SketchFile.FromBytes(bytes[..^5], SketchKind.Reef, "k")).Message);
        sketch[3] = float.NaN;
        Assert.Contains("not finite", Assert.Throws<InvalidInputException>(() => SketchFile.FromBytes(SketchFile.ToBytes(SketchKind.Reef, sketch), SketchKind.Reef, "k")).Message);
    }

    static double Dot(float[] a, float[] b) => ExactNeighbourIndex.Dot(a, b);

    static (float[] X, float[] Y) UnitPair(Random random, int length, double inner)
    {
        var x = Unit(Gaussian(random, length));
        var g = Gaussian(random, length);
        // y = ρx + √(1−ρ²)·(g without its x component, unit).
        var along = Dot(g, x);
        var orthogonal = Unit(g.Select((v, i) => (float)(v - along * x[i])).ToArray());
        var y = x.Select((v, i) => (float)(inner * v + Math.Sqrt(1 - inner * inner) * orthogonal[i])).ToArray();
        return (x, y);
    }

    static float[] Unit(float[] v)
    {
        var norm = Math.Sqrt(Dot(v, v));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    static float[] Gaussian(Random random, int length) => Enumerable.Range(0, length).Select(_ => (float)Gaussian(random)).ToArray();

    static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
