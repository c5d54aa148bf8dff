using System.Text.Json.Serialization;
using Reef.Engine.Analysis;
using Reef.Grains.Abstractions;

namespace Reef.Client.Outputs;

/// <summary>One row of pairs.parquet: a verified pair, its scores, its verdict and why it was verified.</summary>
public sealed class PairRow
{
    [JsonPropertyName("a")] public string A { get; set; } = "";
    [JsonPropertyName("b")] public string B { get; set; } = "";
    /// <summary>Linear (or the run's kernel) CKA at REEF's relative-depth layer.</summary>
    [JsonPropertyName("reef_layer")] public double ReefLayer { get; set; }
    [JsonPropertyName("best_pair")] public double BestPair { get; set; }
    /// <summary>Mean CKA along the monotone layer alignment.</summary>
    [JsonPropertyName("alignment")] public double Alignment { get; set; }
    /// <summary>The weight-signature score; null where the two models' weights cannot be compared or the run left them out.</summary>
    [JsonPropertyName("weights")] public double? Weights { get; set; }
    /// <summary>The aligned weight score (hidden dimensions matched, then QK and VO compared); null where not valid or left out.</summary>
    [JsonPropertyName("aligned_weights")] public double? AlignedWeights { get; set; }
    /// <summary>The calibrated p-value: the estimated false-positive rate of "derived".</summary>
    [JsonPropertyName("p_value")] public double? PValue { get; set; }
    /// <summary>The same in log10 (far in the tail a p-value underflows a double); null for identical weights (−∞).</summary>
    [JsonPropertyName("log10_p")] public double? Log10P { get; set; }
    /// <summary>derived, inconclusive, unrelated or insufficient.</summary>
    [JsonPropertyName("verdict")] public string Verdict { get; set; } = "";
    [JsonPropertyName("basis")] public string Basis { get; set; } = "";
    /// <summary>Why the pair was verified: <see cref="PairsTable.Sources"/>.</summary>
    [JsonPropertyName("source")] public string Source { get; set; } = "";
}

/// <summary>pairs.parquet: every pair the scan verified, one row each — the sparse answer for a hub of any size.</summary>
public static class PairsTable
{
    public const string File = "pairs.parquet";

    /// <summary>
    /// exhaustive: every pair was scored (<c>--pairs all</c>); candidate: the candidate stage proposed it; sample: a random
    /// pair scored to fit the nulls; same_content: the two ids hold the same weights (one fingerprint).
    /// </summary>
    public static readonly IReadOnlyList<string> Sources = ["exhaustive", "candidate", "sample", "same_content"];

    public static void Write(string directory, RegistryAnalysis analysis, string pairsMode)
    {
        var models = analysis.Models;
        ParquetTables.Write(Path.Combine(directory, File), analysis.Verdicts.Judged.Select(p =>
        {
            var scored = analysis.Pairs[p.A, p.B];
            var e = p.Evidence;
            return new PairRow
            {
                A = models[p.A].Id, B = models[p.B].Id, ReefLayer = e.Scores.Reef, BestPair = e.Scores.Best, Alignment = e.Scores.Alignment,
                Weights = analysis.WeightScore(p.A, p.B) is var w && double.IsFinite(w) ? w : null,
                AlignedWeights = e.Aligned?.Value is { } aligned && double.IsFinite(aligned) ? aligned : null,
                PValue = e.PValue, Log10P = e.LogP is { } l && double.IsFinite(l) ? l / Math.Log(10) : null,
                Verdict = e.Verdict.ToString().ToLowerInvariant(), Basis = e.Basis,
                Source = models[p.A].ContentKey == models[p.B].ContentKey ? "same_content"
                    : pairsMode == PairModes.All ? "exhaustive" : scored is { Calibration: true } ? "sample" : "candidate",
            };
        }));
    }

    public static IList<PairRow> Read(string directory) => ParquetTables.Read<PairRow>(Path.Combine(directory, File));
}
