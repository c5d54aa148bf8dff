namespace Reef.Engine.Analysis.Lineage;

/// <summary>An edge's type with the evidence for it.</summary>
/// <param name="Kind">What was done.</param>
/// <param name="ChildIsSecond">Which of the pair is the child: true for the second, false for the first, null when the weights
/// cannot tell (a re-parameterization, a fine-tune or noise look the same both ways).</param>
/// <param name="Unit">For a structured prune: "layers", "ffn", "heads" or "hidden".</param>
/// <param name="Evidence">What in the weights says so, in words.</param>
public sealed record EdgeType(EdgeKind Kind, bool? ChildIsSecond, string? Unit, string Evidence);
