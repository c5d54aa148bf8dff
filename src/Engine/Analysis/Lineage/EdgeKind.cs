namespace Reef.Engine.Analysis.Lineage;

/// <summary>How a derived model was made from its parent, as the provenance graph types its edges.</summary>
public enum EdgeKind
{
    /// <summary>Training moved the weights unevenly (a fine-tune, continued pre-training).</summary>
    FineTune,
    /// <summary>The child's rows share a few levels each (weight-only quantization).</summary>
    Quantization,
    /// <summary>The child has exact zeros the parent does not.</summary>
    UnstructuredPrune,
    /// <summary>The child lacks whole units (layers, FFN channels, heads); <see cref="EdgeType.Unit"/> says which.</summary>
    StructuredPrune,
    /// <summary>The child is a mix of several parents' weights.</summary>
    Merge,
    /// <summary>Same function, moved weights: permuted, rescaled or rotated.</summary>
    Reparameterization,
    /// <summary>
    /// The child is larger than its parent (grown in depth or width). A pair alone cannot tell growth from pruning, so
    /// <see cref="EdgeTyping"/> types shape changes as structured pruning of the larger model; this is for the lineage,
    /// once it directs edges from the family around them (issue 15).
    /// </summary>
    DepthOrWidthChange,
    /// <summary>An even perturbation of every weight (noise), or anything the evidence cannot type.</summary>
    Other,
}
