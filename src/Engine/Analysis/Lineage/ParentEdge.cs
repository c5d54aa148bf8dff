namespace Reef.Engine.Analysis.Lineage;

/// <summary>A proposed parent edge.</summary>
/// <param name="Model">Index of the model.</param>
/// <param name="Parent">Index of its proposed parent; -1 for a family's root.</param>
/// <param name="Basis">"metadata", "scores", or "root".</param>
public sealed record ParentEdge(int Model, int Parent, string Basis);
