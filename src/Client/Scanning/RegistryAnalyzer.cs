using Reef.Engine.Analysis;
using Reef.Engine.Calibration;
using Reef.Engine.Checkpoints;
using Reef.Engine.Families;
using Reef.Engine.Models;
using Reef.Engine.Similarity;
using Reef.Engine.Weights;
using Reef.Grains.Abstractions;

namespace Reef.Client.Scanning;

/// <summary>
/// Builds a <see cref="RegistryAnalysis"/> from a scan's scores and the checkpoints on disk: the models' sizes and
/// metadata from their folders, and, when asked, the weight signal. `reef scan` and `reef eval` share it.
/// </summary>
public static class RegistryAnalyzer
{
    /// <param name="ids">Registry ids, in matrix order.</param>
    /// <param name="paths">Checkpoint folder of each id.</param>
    /// <param name="contentKeys">Fingerprint key of each id.</param>
    /// <param name="scores">REEF scores of every pair.</param>
    /// <param name="withWeights">Compute the weight signal.</param>
    /// <param name="policy">The verdicts' score and error rates.</param>
    /// <param name="progress">Progress of the weight signatures.</param>
    public static RegistryAnalysis Analyze(IReadOnlyList<string> ids, IReadOnlyList<string> paths, IReadOnlyList<string> contentKeys, PairScore[,] scores,
        bool withWeights, VerdictPolicy policy, IProgress<Engine.ProgressUpdate>? progress)
    {
        var models = ids.Select((id, i) =>
        {
            var config = ConfigReader.Read(Path.Combine(paths[i], "config.json"));
            return new RegistryModel(id, Architectures.ClassName(config.Architecture), config.Layers, config.HiddenSize, config.ParameterCount, contentKeys[i]);
        }).ToList();
        var hints = ids.Select((_, i) => ParentHints.Read(paths[i]).Select(h => ParentHints.Resolve(h.Name, ids, i)).FirstOrDefault(p => p >= 0, -1)).ToList();
        var weights = withWeights ? WeightScores(paths, progress) : null;
        return RegistryAnalysis.Analyze(models, scores, weights, hints, policy);
    }

    /// <summary>The analysis of a finished scan, on the scores its registry computed (linear CKA).</summary>
    public static RegistryAnalysis Analyze(ScanResult result, bool withWeights, VerdictPolicy policy, IProgress<Engine.ProgressUpdate>? progress) =>
        Analyze(result.Matrix.Ids, result.MatrixPaths(), result.Matrix.FingerprintKeys, Scores(result.Matrix), withWeights, policy, progress);

    /// <summary>Weight-signature scores of every pair; NaN where a model has no signature or the pair shares too few byte tokens.</summary>
    public static double[,] WeightScores(IReadOnlyList<string> paths, IProgress<Engine.ProgressUpdate>? progress)
    {
        var signatures = new WeightSignature?[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            try { signatures[i] = WeightSignature.TryOf(paths[i], out _); }
            catch (Exception e) when (Engine.FailureKind.Of(e) != Engine.FailureKind.Internal) { signatures[i] = null; } // a bad checkpoint just has no weight signal
            progress?.Report(new Engine.ProgressUpdate("weights", i + 1, paths.Count, "models"));
        }
        using var similarity = new WeightSimilarity(signatures);
        var n = paths.Count;
        var result = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            result[i, i] = 1;
            for (var j = i + 1; j < n; j++) result[i, j] = result[j, i] = similarity.Score(i, j);
        }
        return result;
    }

    /// <summary>A scan's N × N scores as pairs.</summary>
    public static PairScore[,] Scores(SimilarityMatrix m)
    {
        var n = m.Ids.Count;
        var scores = new PairScore[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
            scores[i, j] = new PairScore(m.At(m.Reef, i, j), m.At(m.Best, i, j), m.At(m.Alignment, i, j));
        return scores;
    }
}
