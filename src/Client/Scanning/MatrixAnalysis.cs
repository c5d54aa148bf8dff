using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Similarity;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>
/// The registry's matrix as the engine's analysis takes it: its scores, and each model's facts as the silo read them
/// from the checkpoint (sizes for the nulls and the lineage, parent names, weight scores). Nothing here opens a checkpoint.
/// </summary>
public static class MatrixAnalysis
{
    /// <param name="matrix">Scores and facts of the models to analyse.</param>
    /// <param name="useWeights">Whether the verdicts use the weight signal (false: REEF alone).</param>
    /// <param name="policy">The verdicts' score and error rates.</param>
    public static RegistryAnalysis Analyze(SimilarityMatrix matrix, bool useWeights, VerdictPolicy policy)
    {
        var ids = matrix.Ids;
        // A model the registry holds from before facts were kept is analysed without sizes or hints.
        var models = ids.Select((id, i) => matrix.Facts[i] is { } f
            ? new RegistryModel(id, f.Architecture, f.Layers, f.HiddenSize, f.Parameters, matrix.FingerprintKeys[i])
            : new RegistryModel(id, "unknown", 0, 0, 0, matrix.FingerprintKeys[i])).ToList();
        var hints = ids.Select((_, i) => ParentHintResolver.ParentOf(matrix.Facts[i]?.ParentHints ?? [], ids, i)).ToList();
        // A registry stored before it kept its probe count (0) is judged as if the count were enough.
        return RegistryAnalysis.Analyze(models, Scores(matrix), useWeights ? Weights(matrix) : null, hints, policy,
            matrix.Statements > 0 ? matrix.Statements : null);
    }

    /// <summary>The REEF scores of every pair.</summary>
    public static PairScore[,] Scores(SimilarityMatrix m)
    {
        var n = m.Ids.Count;
        var scores = new PairScore[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
            scores[i, j] = new PairScore(m.At(m.Reef, i, j), m.At(m.Best, i, j), m.At(m.Alignment, i, j));
        return scores;
    }

    /// <summary>The weight-signature scores of every pair, NaN where the weights cannot be compared.</summary>
    static double[,] Weights(SimilarityMatrix m)
    {
        var n = m.Ids.Count;
        var weights = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
            weights[i, j] = m.At(m.Weights, i, j);
        return weights;
    }
}
