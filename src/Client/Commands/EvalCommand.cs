using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reef.Client.Outputs;
using Reef.Client.Scanning;
using Reef.Engine;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Analysis.Evaluation;
using Reef.Engine.Hubs;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;

namespace Reef.Client.Commands;

/// <summary>
/// <c>reef eval HUB --truth lineage.json</c>: scans the hub (reusing stored fingerprints), analyses it as a scan
/// does, and holds the verdicts, families and lineage against the ground truth. Writes the scan's files plus
/// eval.json, and the report with an evaluation section.
/// </summary>
public static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var hub = new Argument<string>("HUB") { Description = "Folder of checkpoints with a known lineage (e.g. a zoo built by `reef zoo`)." };
        var truth = new Option<string?>("--truth") { Description = "Ground truth in lineage.json's format (default: HUB/lineage.json)." };
        var output = new Option<string?>("--out") { Description = "Where to write eval.json, the scan's files and report.html (default: HUB/.reef-eval)." };
        var kernel = new Option<string>("--kernel") { Description = "CKA kernel: linear (REEF's default) or rbf.", DefaultValueFactory = _ => "linear" };
        kernel.AcceptOnlyFromAmong("linear", "rbf");
        var json = new Option<bool>("--json") { Description = "Print eval.json instead of the summary." };
        var pairs = PairsOption.Create();
        var common = new CommonOptions();
        var analysisOptions = new AnalysisOptions();
        var connection = new ConnectionOptions();
        var command = new Command("eval", "Score a hub with known lineage: AUC and TPR at 1 % / 5 % FPR by op, verdict confusion, family ARI, lineage accuracy.")
        {
            hub, truth, output, kernel, json, pairs,
        };
        common.AddClusterExtractionTo(command);
        analysisOptions.AddTo(command);
        connection.AddTo(command);
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(hub)!;
            return Run(parse, context, common, analysisOptions, connection, directory, parse.GetValue(truth) ?? Path.Combine(directory, GroundTruth.FileName),
                parse.GetValue(output) ?? Path.Combine(directory, ".reef-eval"), Enum.Parse<Kernel>(parse.GetValue(kernel)!, ignoreCase: true),
                parse.GetValue(json), parse.GetValue(pairs)!).GetAwaiter().GetResult();
        });
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, CommonOptions common, AnalysisOptions analysisOptions, ConnectionOptions connection,
        string hub, string truthPath, string outDir, Kernel kernel, bool json, string pairs)
    {
        var truth = GroundTruth.Read(truthPath);
        var probes = common.LoadProbes(parse);
        var policy = analysisOptions.Policy(parse);
        var useWeights = analysisOptions.Weights(parse);
        await using var cluster = await connection.OpenAsync(parse, context);
        // Its own registry and scan per hub, probe set and kernel: a registry scores with one kernel, and fingerprints of
        // other probes never share a tile.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(hub) + "\n" + probes.Hash)))[..12];
        var kernelName = kernel.ToString().ToLowerInvariant();
        // A registry scores with one kernel and one pair mode: each has its own.
        var suffix = (kernel == Kernel.Linear ? "" : "-" + kernelName) + (pairs == Grains.Abstractions.PairModes.All ? "" : "-" + pairs);
        var registry = $"{parse.GetValue(connection.Registry)}-eval-{key}{suffix}";
        context.Error.WriteLine($"eval {hub} on {cluster.Description}: {probes.Count} probes ({probes.Name}), {kernelName} kernel, truth {truthPath}");
        var job = new ScanJob(hub, registry, $"eval-{key}{suffix}", probes, common.Batch(parse), parse.GetValue(common.Dtype)!, 8, kernel, policy,
            useWeights, outDir, LayerMatrices.None, Limits: common.InputLimits(parse), Pairs: pairs);
        EvaluationReport? evaluation = null;
        var result = await ScanPipeline.RunAsync(cluster.Client, cluster.Store, job, context.Progress("scan"), (scan, analysis) =>
        {
            var run = new EvaluationRun(Path.GetFullPath(hub), Path.GetFullPath(truthPath), kernelName, ProbeSetSummary.Of(probes), policy.Score.Name(),
                analysis.UsesWeights, EngineInfo.Version, scan.Failed);
            evaluation = RegistryEvaluation.Evaluate(analysis, truth, run);
            OutputFiles.Write(outDir, evaluation);
        }, context.Stopping);
        if (json) context.Out.WriteLine(File.ReadAllText(Path.Combine(outDir, OutputFiles.Evaluation)));
        else
        {
            context.Out.Write(Summary(evaluation!));
            context.Out.WriteLine($"wrote {Path.Combine(outDir, OutputFiles.Evaluation)}; report: {result.Report}");
        }
        if (result.Progress.HasFailures)
            context.Error.WriteLine($"reef: {result.Progress.Failed} models and {result.Progress.TileFailures?.Count ?? 0} tiles failed; see matrix.json");
        return result.Progress.HasFailures ? ExitCodes.PartlyFailed : ExitCodes.Success;
    }

    static string MinZ(RocFigures? f) => f?.MinZ is { } z ? z.ToString("F1", CultureInfo.InvariantCulture) : "—";

    /// <summary>The evaluation as text: separation by score, light and heavy; verdicts; families; lineage.</summary>
    public static string Summary(EvaluationReport e)
    {
        var text = new StringBuilder();
        var run = e.Run;
        text.AppendLine($"eval: {e.Models} models, {run.ProbeSet.Name} probes, {run.Kernel} kernel; pairs: {JsonSerializer.Serialize(e.Pairs)}");
        text.AppendLine("score               light: AUC  TPR@1%  TPR@5%   heavy: AUC  TPR@1%  TPR@5%");
        foreach (var (name, _) in RegistryEvaluation.Scores)
        {
            var light = e.Separation.Light.Of(name);
            var heavy = e.Separation.Heavy.Of(name);
            if (light == null && heavy == null) continue;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{name,-18} {Cells(light)}   {Cells(heavy)}"));
        }
        text.AppendLine("by op (verdict evidence):");
        foreach (var row in e.ByOp)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  {row.Strength,-6} {row.Op,-10} {row.Pairs,4} pairs  {Cells(row.VerdictEvidence)}   min z: weights {MinZ(row.Weights)}, aligned {MinZ(row.AlignedWeights)}"));
        text.AppendLine($"verdicts (rows: truth): {JsonSerializer.Serialize(e.Confusion)}");
        foreach (var twin in e.SameDataOtherSeed)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"same data, other seed: {twin.A} vs {twin.B}: {twin.Verdict} (alignment {twin.Alignment}, weights {(twin.Weights?.ToString(CultureInfo.InvariantCulture) ?? "—")}, p {twin.PValue})"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"families: ARI {e.Families.Ari} ({e.Families.Proposed} proposed, {e.Families.Truth} true)"));
        var lineage = e.LineageScoresOnly;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"lineage from scores and weights: parents right for {lineage.Correct}/{lineage.Models} models ({lineage.EdgeAccuracy}), roots {lineage.RootsFound}/{lineage.Roots}; with metadata: {e.Lineage.EdgeAccuracy}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"  directed edges: precision {V(lineage.EdgePrecision)}, recall {V(lineage.EdgeRecall)}, DF1 {V(lineage.DirectedEdgeF1)}; typed DF1 {V(lineage.TypedEdgeF1)}; edge types right {V(lineage.EdgeTypeAccuracy)}; merge parents found {V(lineage.MergeParentRecall)}"));
        foreach (var (truth, typed) in lineage.TypeConfusion ?? new Dictionary<string, IReadOnlyDictionary<string, int>>())
            text.AppendLine($"  {truth,-20} typed {string.Join(", ", typed.Select(t => $"{t.Key} {t.Value}"))}");
        foreach (var w in lineage.Wrong) text.AppendLine($"  wrong: {w.Model} under {w.Proposed ?? "(root)"} ({w.Basis}); truth {w.Truth}");
        return text.ToString();

        static string Cells(RocFigures? s) => s == null ? "     —       —       —" :
            string.Create(CultureInfo.InvariantCulture, $"{V(s.Auc),6}  {V(s.TprAt1PctFpr),6}  {V(s.TprAt5PctFpr),6}");
        static string V(double? v) => v == null ? "—" : v.Value.ToString("F3", CultureInfo.InvariantCulture);
    }
}
