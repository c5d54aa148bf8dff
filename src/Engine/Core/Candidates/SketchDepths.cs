using Reef.Engine.Similarity;

namespace Reef.Engine.Candidates;

/// <summary>
/// The layers a sketch looks at, by relative depth, so that models of different depths (a layer-pruned derivative and its
/// parent) sketch corresponding layers: REEF's own layer and one on each side of it.
/// </summary>
public static class SketchDepths
{
    public static readonly double[] Relative = [0.25, Comparison.ReefRelativeDepth, 0.75];

    /// <summary>The layer at <paramref name="depth"/> of a model with <paramref name="layers"/> layers, rounded as REEF's layer is.</summary>
    public static int LayerAt(double depth, int layers) =>
        Math.Clamp((int)Math.Round(depth * layers, MidpointRounding.AwayFromZero), 0, layers - 1);
}
