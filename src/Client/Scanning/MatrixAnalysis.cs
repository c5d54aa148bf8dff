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
        return RegistryAnalysis.Analyze(models, Pairs(matrix), useWeights, hints, policy, matrix.Statements > 0 ? matrix.Statements : null);
    }

    /// <summary>Every pair i &lt; j the registry scored, with its weight score (NaN where the weights cannot be compared).</summary>
    public static ScoredPairs Pairs(SimilarityMatrix m)
    {
        var n = m.Ids.Count;
        var pairs = new ScoredPairs();
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
        {
            var reef = new PairScore(m.At(m.Reef, i, j), m.At(m.Best, i, j), m.At(m.Alignment, i, j));
            if (!double.IsNaN(reef.Reef)) pairs.Add(i, j, reef, m.At(m.Weights, i, j));
        }
        return pairs;
    }
}
