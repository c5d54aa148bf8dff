namespace Reef.Engine.Analysis.Lineage;

/// <summary>
/// A proposed edge of the provenance graph: <paramref name="Parent"/> → <paramref name="Model"/>. A merge has one edge per
/// parent; a family's root one edge with no parent.
/// </summary>
/// <param name="Model">Index of the model.</param>
/// <param name="Parent">Index of its proposed parent; -1 for a family's root.</param>
/// <param name="Basis">"metadata", "scores", or "root".</param>
public sealed record ParentEdge(int Model, int Parent, string Basis)
{
    /// <summary>How the model was made from this parent; null for a root.</summary>
    public EdgeKind? Kind { get; init; }

    /// <summary>For a structured prune: "layers", "ffn", "heads" or "hidden".</summary>
    public string? Unit { get; init; }

    /// <summary>For a merge: this parent's estimated mixing weight.</summary>
    public double? MixWeight { get; init; }

    /// <summary>
    /// How sure the edge is, 0–1: 1 where metadata names the parent; for a merge, one less the fit's residual; else the margin by
    /// which this parent is nearer than the next candidate, halved where nothing in the weights says which of the two came
    /// first. A ranking aid, not a calibrated probability.
    /// </summary>
    public double Confidence { get; init; } = 1;

    /// <summary>What in the weights says so, in words.</summary>
    public string? Evidence { get; init; }
}
