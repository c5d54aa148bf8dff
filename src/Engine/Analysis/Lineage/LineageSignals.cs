using Reef.Engine.Weights;

namespace Reef.Engine.Analysis.Lineage;

/// <summary>What the lineage reads of a registry besides its models' sizes: scores, weight evidence, and which pairs were scored.</summary>
public sealed class LineageSignals
{
    /// <summary>Higher is closer: the weight signature score where valid, else the judged REEF score; 0 for a pair never scored.</summary>
    public required Func<int, int, double> Closeness { get; init; }

    /// <summary>The weight signature score of a pair, NaN where it is not valid or not used.</summary>
    public Func<int, int, double> WeightScore { get; init; } = (_, _) => double.NaN;

    /// <summary>
    /// A model's weight evidence, null where it has none. Asked for one family's members (and their merges' parents) at a time
    /// and held only while that family's lineage is made, so a hub's evidence is never all in memory.
    /// </summary>
    public Func<int, WeightEvidence?> Evidence { get; init; } = _ => null;

    /// <summary>The models a model was scored against (its verified pairs); null: every model (a registry of every pair).</summary>
    public Func<int, IEnumerable<int>>? Scored { get; init; }

    /// <summary>The models judged derived with a model, of any family: where a merge's parents are sought. Null: the scored ones.</summary>
    public Func<int, IEnumerable<int>>? Derived { get; init; }

    /// <summary>Closeness alone, as a registry without weight evidence has it.</summary>
    public static LineageSignals Of(Func<int, int, double> closeness) => new() { Closeness = closeness };
}
