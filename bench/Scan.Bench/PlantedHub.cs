using Reef.Engine.Candidates;

namespace Reef.Bench;

/// <summary>
/// A synthetic hub of sketchable models with planted families, for the candidate stage at sizes no zoo reaches. Each model
/// has two signals (REEF-like and weight-like), each a unit vector per sketch depth made of a direction every model
/// shares, its family's direction and its own noise: unrelated pairs then score about <see cref="Signal.Shared"/> (REEF
/// CKA of unrelated models is far from 0), relatives that plus the product of their family loadings. Light derivatives
/// are close on both signals; heavy ones score like unrelated models on REEF and are close only on weights, as a 90 %
/// pruned model or a fine-tune on other data is on the zoo (parent–child weight scores 0.48 and up there, unrelated 0.03–0.09). A model's vectors come from its own seed, so any model can
/// be made again without storing the hub.
/// </summary>
public sealed class PlantedHub
{
    /// <summary>Score of unrelated pairs, and the family loading of roots, of one signal.</summary>
    public sealed record Signal(double Shared, double RootLoading, (double Low, double High) Light, (double Low, double High) Heavy);

    public static readonly Signal Reef = new(0.35, Math.Sqrt(0.63), (0.70, 0.98), (0.36, 0.50));
    public static readonly Signal Weights = new(0.06, Math.Sqrt(0.90), (0.60, 0.95), (0.40, 0.70));

    public const int Dimensions = 1024;
    const double HeavyShare = 0.3;

    /// <summary>Family of each model (the root's index), and its loadings on each signal's family direction.</summary>
    public int[] Family { get; }
    public double[] ReefLoading { get; }
    public double[] WeightLoading { get; }
    public int Count => Family.Length;

    public PlantedHub(int count, int seed = 1)
    {
        var random = new Random(seed);
        Family = new int[count];
        ReefLoading = new double[count];
        WeightLoading = new double[count];
        var i = 0;
        while (i < count)
        {
            var root = i;
            Family[i] = root;
            ReefLoading[i] = Reef.RootLoading;
            WeightLoading[i] = Weights.RootLoading;
            i++;
            // Half the models have no derivative; the rest have 1–12, fewer more often.
            var children = random.NextDouble() < 0.5 ? 0 : 1 + (int)Math.Min(11, -Math.Log(1 - random.NextDouble()) * 3);
            for (var c = 0; c < children && i < count; c++, i++)
            {
                Family[i] = root;
                var heavy = random.NextDouble() < HeavyShare;
                ReefLoading[i] = Loading(Reef, heavy ? Reef.Heavy : Reef.Light, random);
                WeightLoading[i] = Loading(Weights, heavy ? Weights.Heavy : Weights.Light, random);
            }
        }
    }

    /// <summary>The loading whose score with the root lands uniformly in <paramref name="range"/>.</summary>
    static double Loading(Signal s, (double Low, double High) range, Random random) =>
        (range.Low + random.NextDouble() * (range.High - range.Low) - s.Shared) / s.RootLoading;

    /// <summary>Expected score of a pair on a signal (noise of the own directions is about 1/√<see cref="Dimensions"/>).</summary>
    public double Expected(int a, int b, bool weights)
    {
        var s = weights ? Weights : Reef;
        var loading = weights ? WeightLoading : ReefLoading;
        return a == b ? 1 : s.Shared + (Family[a] == Family[b] ? loading[a] * loading[b] : 0);
    }

    /// <summary>Model <paramref name="i"/>'s unit vectors, one per sketch depth, on one signal.</summary>
    public float[][] Vectors(int i, bool weights)
    {
        var s = weights ? Weights : Reef;
        var loading = (weights ? WeightLoading : ReefLoading)[i];
        var own = Math.Sqrt(Math.Max(0, 1 - s.Shared - loading * loading));
        var depths = SketchDepths.Relative.Length;
        var rows = new float[depths][];
        for (var d = 0; d < depths; d++)
        {
            var shared = _shared[(weights ? depths : 0) + d] ??= Direction(0, 0, weights, d);
            var family = Direction(1, Family[i], weights, d);
            var noise = Direction(2, i, weights, d);
            var row = new float[Dimensions];
            double squares = 0;
            for (var k = 0; k < Dimensions; k++)
            {
                row[k] = (float)(Math.Sqrt(s.Shared) * shared[k] + loading * family[k] + own * noise[k]);
                squares += row[k] * row[k];
            }
            var scale = 1 / Math.Sqrt(squares);
            for (var k = 0; k < Dimensions; k++) row[k] = (float)(row[k] * scale);
            rows[d] = row;
        }
        return rows;
    }

    readonly double[]?[] _shared = new double[]?[2 * SketchDepths.Relative.Length];

    /// <summary>A random unit vector fixed by what it is (0 shared, 1 family, 2 own), whose, which signal and depth.</summary>
    static double[] Direction(int kind, long id, bool weights, int depth)
    {
        var random = new Random(checked(kind * (1 << 25) + (int)id * 16 + (weights ? 8 : 0) + depth));
        var v = new double[Dimensions];
        double squares = 0;
        for (var k = 0; k < Dimensions; k += 2)
        {
            // Box–Muller: two normals per draw.
            var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var t = 2 * Math.PI * random.NextDouble();
            v[k] = r * Math.Cos(t);
            if (k + 1 < Dimensions) v[k + 1] = r * Math.Sin(t);
        }
        foreach (var x in v) squares += x * x;
        var scale = 1 / Math.Sqrt(squares);
        for (var k = 0; k < Dimensions; k++) v[k] *= scale;
        return v;
    }
}
