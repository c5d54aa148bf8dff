using System.Diagnostics;
using Reef.Engine.Candidates;
using Reef.Engine.Similarity;
using static TorchSharp.torch;

namespace Reef.Bench;

/// <summary>
/// The candidate stage at hub scale on a <see cref="PlantedHub"/>: sketches, indexes, every model's candidates, the
/// closure over verified pairs, and recall of the derived pairs; on a subset, recall against exhaustive exact scoring
/// and the speed-up over it.
/// </summary>
public static class CandidateBench
{
    /// <summary>What exhaustive scoring calls derived here: clear of the unrelated scores on either signal.</summary>
    const double DerivedReef = 0.6, DerivedWeights = 0.2;

    static int Expansion = HnswNeighbourIndex.ExpansionSearch;

    static bool Derived(double reef, double weights) => reef >= DerivedReef || weights >= DerivedWeights;

    public static void Run(int models, int subset, int expansionSearch = HnswNeighbourIndex.ExpansionSearch)
    {
        Expansion = expansionSearch;
        Console.WriteLine($"planted hub: {models:N0} models; a pair counts as derived when its exact score is ≥ {DerivedReef} (REEF-like) or ≥ {DerivedWeights} (weight-like)");
        AtScale(models);
        Console.WriteLine();
        AgainstExhaustive(subset);
    }

    static void AtScale(int models)
    {
        ProcessMemory.ResetPeak();
        var hub = new PlantedHub(models);
        var policy = CandidatePolicy.Default;
        var clock = Stopwatch.StartNew();
        var (reef, weights) = Sketch(hub);
        var sketchSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        // Search breadth 0: the exact index, to tell the sketches' misses from the approximate search's.
        using INeighbourIndex reefIndex = Expansion == 0 ? new ExactNeighbourIndex(reef[0].Length) : new HnswNeighbourIndex(reef[0].Length, Expansion);
        using INeighbourIndex weightIndex = Expansion == 0 ? new ExactNeighbourIndex(weights[0].Length) : new HnswNeighbourIndex(weights[0].Length, Expansion);
        var keys = Enumerable.Range(0, models).Select(i => (long)i).ToList();
        reefIndex.Add(keys, reef);
        weightIndex.Add(keys, weights);
        var indexSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var candidates = new CandidatePairs();
        for (var i = 0; i < models; i++)
        {
            candidates.AddNeighbours(reefIndex, i, reef[i], policy, CandidateSource.Reef);
            candidates.AddNeighbours(weightIndex, i, weights[i], policy, CandidateSource.Weights);
        }
        var searchSeconds = clock.Elapsed.TotalSeconds;
        var searched = candidates.Count;
        var (rounds, closed) = Close(candidates, policy, (a, b) => Derived(hub.Expected((int)a, (int)b, false), hub.Expected((int)a, (int)b, true)));
        var population = Enumerable.Range(0, models).Select(i => (long)i).ToList();
        for (var i = 0; i < models; i++) candidates.AddSamples(i, population, policy.Samples);

        var (planted, foundBySearch, foundAfterClosure) = Recall(hub, candidates);
        Console.WriteLine($"{models:N0} models ({(Expansion == 0 ? "exact index" : $"HNSW, search breadth {Expansion}")}, {reef[0].Length} + {weights[0].Length} dimensions, {(reef[0].Length + weights[0].Length) * 4 / 1024.0:F1} KiB of sketches a model):");
        Console.WriteLine($"  sketch {sketchSeconds:F1} s (made from 2 × 3 × {PlantedHub.Dimensions}-long vectors), index {indexSeconds:F1} s, " +
                          $"search {searchSeconds:F1} s: every model's candidates in {sketchSeconds + indexSeconds + searchSeconds:F1} s " +
                          $"({indexSeconds + searchSeconds:F1} s without sketching, which happens where fingerprints are made)");
        Console.WriteLine($"  candidate pairs {searched:N0} from search ({searched / (double)models:F1} a model), +{closed:N0} by closure in {rounds} rounds, " +
                          $"{candidates.Count:N0} with calibration samples ({candidates.Count / (double)models:F1} a model)");
        Console.WriteLine($"  planted derived pairs {planted:N0}: found by search {foundBySearch:N0} ({foundBySearch / (double)planted:P2}), " +
                          $"after closure {foundAfterClosure:N0} ({foundAfterClosure / (double)planted:P3})");
        Console.WriteLine($"  peak RSS {ProcessMemory.Peak / 1048576.0:F0} MiB");
    }

    static void AgainstExhaustive(int models)
    {
        var hub = new PlantedHub(models, seed: 2);
        var policy = CandidatePolicy.Default;
        var width = PlantedHub.Dimensions * SketchDepths.Relative.Length;
        // Each model's depth vectors side by side, scaled by 1/√depths: one inner product is the mean over depths.
        var reefFull = new float[models * width];
        var weightFull = new float[models * width];
        var scale = (float)(1 / Math.Sqrt(SketchDepths.Relative.Length));
        for (var i = 0; i < models; i++)
        {
            Flatten(hub.Vectors(i, false), reefFull.AsSpan(i * width, width), scale);
            Flatten(hub.Vectors(i, true), weightFull.AsSpan(i * width, width), scale);
        }

        double stageSeconds = 0;
        long verifiedPairs = 0;
        var clock = Stopwatch.StartNew();
        var derived = Exhaustive(reefFull, weightFull, models, width);
        var exhaustiveSeconds = clock.Elapsed.TotalSeconds;
        var pairs = (long)models * (models - 1) / 2;
        Console.WriteLine($"{models:N0}-model subset: exhaustive exact scoring of {pairs:N0} pairs (fp32 matmul, both signals) {exhaustiveSeconds:F1} s, " +
                          $"{derived.Count:N0} derived");

        foreach (var (name, make) in new (string, Func<int, INeighbourIndex>)[] { ("exact", d => new ExactNeighbourIndex(d)), ("HNSW", d => new HnswNeighbourIndex(d)) })
        {
            clock.Restart();
            var (reef, weights) = Sketch(hub);
            using var reefIndex = make(reef[0].Length);
            using var weightIndex = make(weights[0].Length);
            var keys = Enumerable.Range(0, models).Select(i => (long)i).ToList();
            reefIndex.Add(keys, reef);
            weightIndex.Add(keys, weights);
            var candidates = new CandidatePairs();
            for (var i = 0; i < models; i++)
            {
                candidates.AddNeighbours(reefIndex, i, reef[i], policy, CandidateSource.Reef);
                candidates.AddNeighbours(weightIndex, i, weights[i], policy, CandidateSource.Weights);
            }
            var verified = new Dictionary<(long, long), bool>();
            bool Verify(long a, long b)
            {
                if (verified.TryGetValue((a, b), out var known)) return known;
                var r = ExactNeighbourIndex.Dot(reefFull.AsSpan((int)a * width, width), reefFull.AsSpan((int)b * width, width));
                var w = ExactNeighbourIndex.Dot(weightFull.AsSpan((int)a * width, width), weightFull.AsSpan((int)b * width, width));
                return verified[(a, b)] = Derived(r, w);
            }
            var (rounds, closed) = Close(candidates, policy, Verify);
            var seconds = clock.Elapsed.TotalSeconds;
            var found = derived.Count(p => candidates.Contains(p.A, p.B));
            Console.WriteLine($"  {name} index: {candidates.Count:N0} pairs verified ({closed:N0} by closure, {rounds} rounds), candidate stage {seconds:F1} s: " +
                              $"recall {found:N0}/{derived.Count:N0} = {found / (double)derived.Count:P3}");
            if (name == "HNSW") verifiedPairs = candidates.Count + models * policy.Samples;
            stageSeconds = seconds;
        }
        // Real verification is layer-by-layer CKA of fingerprints, not these short vectors: time it here, on the
        // shape a verification batch has (one model against its candidates), and project both ways of scanning.
        var (rate, percent, peak) = VerificationRate();
        Console.WriteLine($"  exact verification (layer-by-layer CKA, L = 32, n = 200, one model × 16 candidates a batch, fp32 product): {rate:N0} pairs/s, " +
                          $"{percent:F0} % of a same-run fp32 matmul of that shape ({peak:F1} GFLOP/s)");
        var exhaustive = pairs / rate;
        var candidateScan = stageSeconds + verifiedPairs / rate;
        Console.WriteLine($"  at that rate: exhaustive {exhaustive / 60:F1} min vs candidates {candidateScan / 60:F1} min ({verifiedPairs:N0} pairs with calibration samples): " +
                          $"{exhaustive / candidateScan:F0}× faster");

    }

    /// <summary>Closes the candidates over the pairs <paramref name="isDerived"/> judges derived, until nothing is added.</summary>
    static (int Rounds, int Added) Close(CandidatePairs candidates, CandidatePolicy policy, Func<long, long, bool> isDerived)
    {
        int rounds = 0, added = 0;
        while (true)
        {
            var derived = candidates.All.Where(p => isDerived(p.A, p.B)).Select(p => (p.A, p.B)).ToList();
            var round = candidates.AddClosure(derived, policy.MaxClosureDegree);
            if (round.Count == 0) return (rounds, added);
            rounds++;
            added += round.Count;
        }
    }

    static (float[][] Reef, float[][] Weights) Sketch(PlantedHub hub)
    {
        // The weight-like signal has 3 rows here, not 3 × 4 blocks: sketched 4 times wider, to the weight sketch's size.
        var weightProjection = new CountSketch(WeightSketch.Width * Engine.Weights.WeightSignature.Kinds, 0x5EEF_0002);
        var reef = new float[hub.Count][];
        var weights = new float[hub.Count][];
        Parallel.For(0, hub.Count, i =>
        {
            reef[i] = ReefSketch.Projection.Of(hub.Vectors(i, false));
            weights[i] = weightProjection.Of(hub.Vectors(i, true));
        });
        return (reef, weights);
    }

    /// <summary>Planted derived pairs (every pair of a family whose expected scores are derived), and how many the candidates hold.</summary>
    static (long Planted, long BySearch, long AfterClosure) Recall(PlantedHub hub, CandidatePairs candidates)
    {
        long planted = 0, bySearch = 0, after = 0;
        var members = Enumerable.Range(0, hub.Count).GroupBy(i => hub.Family[i]);
        foreach (var family in members)
        {
            var list = family.ToList();
            for (var x = 0; x < list.Count; x++)
            for (var y = x + 1; y < list.Count; y++)
            {
                int a = list[x], b = list[y];
                if (!Derived(hub.Expected(a, b, false), hub.Expected(a, b, true))) continue;
                planted++;
                var sources = candidates.SourcesOf(a, b);
                if ((sources & (CandidateSource.Reef | CandidateSource.Weights)) != 0) bySearch++;
                if (sources != CandidateSource.None) after++;
            }
        }
        return (planted, bySearch, after);
    }

    static List<(long A, long B)> Exhaustive(float[] reef, float[] weights, int models, int width)
    {
        using var scope = NewDisposeScope();
        var r = tensor(reef, [models, width]);
        var w = tensor(weights, [models, width]);
        var derived = new List<(long, long)>();
        const int block = 1024;
        for (var start = 0; start < models; start += block)
        {
            using var inner = NewDisposeScope();
            var rows = Math.Min(block, models - start);
            var rr = r.narrow(0, start, rows).matmul(r.T).data<float>().ToArray();
            var ww = w.narrow(0, start, rows).matmul(w.T).data<float>().ToArray();
            for (var i = 0; i < rows; i++)
            for (var j = start + i + 1; j < models; j++)
                if (Derived(rr[i * models + j], ww[i * models + j])) derived.Add((start + i, j));
        }
        return derived;
    }

    static void Flatten(float[][] rows, Span<float> into, float scale)
    {
        for (var d = 0; d < rows.Length; d++)
        for (var k = 0; k < rows[d].Length; k++)
            into[d * rows[d].Length + k] = rows[d][k] * scale;
    }

    /// <summary>
    /// Pairs per second of <see cref="RegistryTile"/> (a float32 product) on 1 × 16 batches, everything a batch does counted
    /// (features, product, summaries), and its GFLOP/s as a share of a plain float32 matmul of the same shape.
    /// </summary>
    static (double PairsPerSecond, double PercentOfMatmul, double MatmulGflops) VerificationRate()
    {
        const int layers = 32, n = 200, candidates = 16;
        var prints = Enumerable.Range(0, candidates + 1).Select(i => RegistryBench.Synthetic(i, layers, n)).ToList();
        var row = prints.Take(1).ToList();
        var cols = prints.Skip(1).ToList();
        RegistryTile.Compute(row, cols);
        var clock = Stopwatch.StartNew();
        const int rounds = 8;
        for (var r = 0; r < rounds; r++) RegistryTile.Compute(row, cols);
        var seconds = clock.Elapsed.TotalSeconds;
        var gflops = rounds * RegistryTile.Flops(row, cols) / seconds / 1e9;
        var peak = RegistryBench.MatmulGflops(layers, candidates * layers, n * (n + 1) / 2, ScalarType.Float32);
        return (rounds * candidates / seconds, 100 * gflops / peak, peak);
    }
}
