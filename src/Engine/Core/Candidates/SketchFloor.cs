namespace Reef.Engine.Candidates;

/// <summary>
/// The sketch score above which a neighbour is verified, set by the hub itself: a fixed floor (the policy's) is right where
/// unrelated models look unrelated, but in a hub where every model looks alike on a signal (one base model's fine-tunes,
/// tiny random models) it would make each model's widest search all candidates, k = 64 instead of 8. So the floor is
/// raised to where random pairs of this hub stop: median + <see cref="Spreads"/> × robust spread of the sketch scores of
/// random pairs. Median and MAD, not mean and SD: in a hub of large families many random pairs are related, and a
/// quarter of them must not lift the floor over the relatives.
/// </summary>
public static class SketchFloor
{
    /// <summary>Robust standard deviations above the median of random pairs: one unrelated pair in 10⁴ clears it if normal.</summary>
    public const double Spreads = 4;
    /// <summary>Random pairs drawn to place the floor.</summary>
    public const int Pairs = 4_096;
    /// <summary>Below this many sketches the hub says too little of itself, and the policy's floor stands.</summary>
    public const int MinimumSketches = 32;

    /// <param name="sketches">The signal's sketches (unit vectors), one per model that has one.</param>
    /// <param name="floor">The policy's floor: the result is never below it.</param>
    /// <param name="seed">Seeds the draw (a rescan must draw the same pairs).</param>
    public static float Of(IReadOnlyList<float[]> sketches, float floor, int seed = 1)
    {
        if (sketches.Count < MinimumSketches) return floor;
        var random = new Random(seed);
        var scores = new double[Pairs];
        for (var k = 0; k < Pairs; k++)
        {
            var a = random.Next(sketches.Count);
            var b = random.Next(sketches.Count - 1);
            if (b >= a) b++;
            scores[k] = ExactNeighbourIndex.Dot(sketches[a], sketches[b]);
        }
        Array.Sort(scores);
        var median = scores[Pairs / 2];
        var deviations = scores.Select(s => Math.Abs(s - median)).Order().ToArray();
        var spread = 1.4826 * deviations[Pairs / 2];
        return (float)Math.Max(floor, Math.Min(1, median + Spreads * spread));
    }
}
