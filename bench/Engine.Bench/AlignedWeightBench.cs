using System.Diagnostics;
using Reef.Engine.Weights;

namespace Reef.Bench;

/// <summary>
/// `aligned [WIDTH...]`: the aligned weight score's cost per pair at real models' widths, with the stored feature's size. Two
/// synthetic models per width (random anchors and factors, 16 kept layers of rank 32): a derivative (the first with its hidden
/// dimensions permuted and a little noise: the matching stands out) and an unrelated one (no matching stands out: the exact
/// assignment up to 1,024 dimensions, the greedy one above).
/// </summary>
public static class AlignedWeightBench
{
    public static int Run(string[] args)
    {
        var widths = args.Length > 0 ? args.Select(int.Parse).ToArray() : [512, 1024, 2048, 4096];
        Console.WriteLine("width  feature MB   related: score  s/pair   unrelated: score  s/pair");
        foreach (var d in widths)
        {
            var random = new Random(d);
            var a = Synthetic(d, random, null, 0);
            var permutation = Enumerable.Range(0, d).OrderBy(_ => random.Next()).ToArray();
            var related = Synthetic(d, random, (a, permutation), 0.3);
            var unrelated = Synthetic(d, random, null, 0);
            var (relatedScore, relatedTime) = Time(() => AlignedWeightScore.Score(a, related));
            var (unrelatedScore, unrelatedTime) = Time(() => AlignedWeightScore.Score(a, unrelated));
            var megabytes = 4.0 * (a.Anchors.Length + a.Factors.Length) / 1e6;
            Console.WriteLine($"{d,5}  {megabytes,10:F1}   {relatedScore,14:F3}  {relatedTime,6:F2}   {unrelatedScore,16:F3}  {unrelatedTime,6:F2}");
        }
        return 0;
    }

    static (double, double) Time(Func<double> score)
    {
        var clock = Stopwatch.StartNew();
        var value = score();
        return (value, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Random anchors and factors; with <paramref name="of"/>, that model's with rows permuted and noise of relative size <paramref name="noise"/>.</summary>
    static AlignedWeights Synthetic(int d, Random random, (AlignedWeights Model, int[] Permutation)? of, double noise)
    {
        const int kept = AlignedWeights.MaxLayers, rank = AlignedWeights.MaxRank;
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var anchors = new float[ByteAnchors.Count * d];
        var factors = new float[kept * AlignedWeights.Kinds * d * rank];
        for (var t = 0; t < ByteAnchors.Count; t++)
        for (var c = 0; c < d; c++)
            anchors[t * d + c] = of is { } o ? o.Model.Anchors[t * d + o.Permutation[c]] + (float)noise * Gaussian() : Gaussian();
        for (var block = 0; block < kept * AlignedWeights.Kinds; block++)
        for (var row = 0; row < d; row++)
        for (var k = 0; k < rank; k++)
            factors[(block * d + row) * rank + k] = of is { } o
                ? o.Model.Factors[(block * d + o.Permutation[row]) * rank + k] + (float)noise * Gaussian()
                : Gaussian();
        return new AlignedWeights
        {
            Hidden = d, Rank = rank, Present = Enumerable.Repeat(true, ByteAnchors.Count).ToArray(), Anchors = anchors,
            LayerIndices = Enumerable.Range(0, kept).ToArray(), Factors = factors,
        };
    }
}
