namespace Reef.Engine.Weights;

/// <summary>
/// What a pair of models needs for the aligned weight score (<see cref="AlignedWeightScore"/>, after AWM, ICLR 2026), kept per
/// model so that a pair is scored without reading either checkpoint again:
/// <list type="bullet">
/// <item><b>Anchors</b>: the byte tokens' normalized embedding rows [256, d] (<see cref="ByteAnchors"/>), on which the two
/// models' hidden dimensions are matched.</item>
/// <item><b>Factors</b>: for each kept layer's two bilinear forms on the hidden dimensions, QK = diag(g)·W_qᵀ·W_k·diag(g)
/// and VO = diag(g)·W_vᵀ·W_oᵀ [d, d] (summed over heads, the input norm's weight g folded in), F [d, r] with F·Fᵀ the best
/// rank-r approximation of M·Mᵀ. A head's permutation, its Q/K or V/O rescaling and any rotation of its side cancel in M;
/// M·Mᵀ, the Gram of the hidden dimensions that CKA compares, is also unchanged by any orthogonal change of M's columns.
/// So only the rows, the hidden dimensions, need matching.</item>
/// </list>
/// Sizes: 256·d + 2·layers·d·r floats; at d = 8192, r = 32 and 16 kept layers, 8 MB + 34 MB.
/// </summary>
public sealed class AlignedWeights
{
    /// <summary>Rank of each projection's Gram factor.</summary>
    public const int MaxRank = 32;

    /// <summary>Layers kept: all of a model this deep, else this many spread evenly from first to last.</summary>
    public const int MaxLayers = 16;

    /// <summary>QK, VO.</summary>
    public const int Kinds = 2;

    /// <summary>Hidden size d.</summary>
    public required int Hidden { get; init; }

    /// <summary>Columns r of each factor (at most <see cref="MaxRank"/>; fewer where a projection has fewer dimensions).</summary>
    public required int Rank { get; init; }

    /// <summary>Which byte tokens the model's vocabulary has.</summary>
    public required bool[] Present { get; init; }

    /// <summary>[256, d] row-major: each byte token's embedding row, normalized as the first norm does; zero where absent.</summary>
    public required float[] Anchors { get; init; }

    /// <summary>The model's layer index of each kept layer, increasing.</summary>
    public required int[] LayerIndices { get; init; }

    /// <summary>[kept layer, kind, d, r] row-major.</summary>
    public required float[] Factors { get; init; }

    public int KeptLayers => LayerIndices.Length;

    GramFactor?[]? _grams;

    /// <summary>The Gram of a kept layer's form over the hidden dimensions, in float64, made once per model.</summary>
    internal GramFactor Gram(int keptLayer, int kind)
    {
        _grams ??= new GramFactor?[KeptLayers * Kinds];
        return _grams[keptLayer * Kinds + kind] ??= new GramFactor(Array.ConvertAll(Factor(keptLayer, kind).ToArray(), v => (double)v), Hidden, Rank);
    }

    public ReadOnlySpan<float> Factor(int keptLayer, int kind) =>
        Factors.AsSpan((keptLayer * Kinds + kind) * Hidden * Rank, Hidden * Rank);

    /// <summary>The layers kept of a model <paramref name="layers"/> deep: every one, or <see cref="MaxLayers"/> from first to last.</summary>
    public static int[] Kept(int layers) =>
        layers <= MaxLayers ? Enumerable.Range(0, layers).ToArray()
            : Enumerable.Range(0, MaxLayers).Select(i => (int)Math.Round(i * (layers - 1) / (double)(MaxLayers - 1))).Distinct().ToArray();
}
