using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Client.Reporting;
using Reef.Client.Scanning;
using Reef.Engine;
using Reef.Engine.Calibration;
using Reef.Engine.Evaluation;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using Reef.Engine.Store;
using Reef.Engine.Zoo;
using Reef.Grains.Abstractions;

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
        var common = new CommonOptions();
        var analysisOptions = new AnalysisOptions();
        var connection = new ConnectionOptions();
        var command = new Command("eval", "Score a hub with known lineage: AUC and TPR at 1 % / 5 % FPR by op, verdict confusion, family ARI, lineage accuracy.")
        {
            hub, truth, output, kernel, json,
        };
        common.AddClusterExtractionTo(command);
        analysisOptions.AddTo(command);
        connection.AddTo(command);
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(hub)!;
            return Run(parse, context, common, analysisOptions, connection, directory, parse.GetValue(truth) ?? Path.Combine(directory, ZooBuilder.LineageFile),
                parse.GetValue(output) ?? Path.Combine(directory, ".reef-eval"), Enum.Parse<Kernel>(parse.GetValue(kernel)!, ignoreCase: true),
                parse.GetValue(json)).GetAwaiter().GetResult();
        });
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, CommonOptions common, AnalysisOptions analysisOptions, ConnectionOptions connection,
        string hub, string truthPath, string outDir, Kernel kernel, bool json)
    {
        var truth = ZooBuilder.ReadLineageFile(truthPath);
        var probes = common.LoadProbes(parse);
        var policy = analysisOptions.Policy(parse);
        await using var cluster = await connection.OpenAsync(parse, context);
        // Its own registry and scan per hub and probe set: fingerprints of other probes never share a tile.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(hub) + "\n" + probes.Hash)))[..12];
        var registry = $"{parse.GetValue(connection.Registry)}-eval-{key}";
        context.Error.WriteLine($"eval {hub} on {cluster.Description}: {probes.Count} probes ({probes.Name}), {kernel.ToString().ToLowerInvariant()} kernel, truth {truthPath}");
        var result = await ScanRunner.RunAsync(cluster.Client, cluster.Store, $"eval-{key}", hub, registry, probes, common.Batch(parse),
            parse.GetValue(common.Dtype)!, 8, context.Progress("scan"));

        var m = result.Matrix;
        // The registry's tiles are linear CKA: those scores serve as they are; another kernel is computed here
        // from the stored fingerprints.
        var scores = kernel == Kernel.Linear ? RegistryAnalyzer.Scores(m) : await Rescore(cluster.Store, m.FingerprintKeys, kernel);
        var analysis = RegistryAnalyzer.Analyze(m.Ids, result.MatrixPaths(), m.FingerprintKeys, scores, analysisOptions.Weights(parse), policy,
            context.Progress("weights"));

        var run = new JsonObject
        {
            ["hub"] = Path.GetFullPath(hub), ["truth"] = Path.GetFullPath(truthPath), ["kernel"] = kernel.ToString().ToLowerInvariant(),
            ["probe_set"] = new JsonObject { ["name"] = probes.Name, ["hash"] = probes.Hash, ["statements"] = probes.Count },
            ["score"] = policy.Score.Name(), ["weights"] = analysis.Weights != null, ["engine_version"] = EngineInfo.Version,
            ["failed"] = result.Progress.Failed,
        };
        var evaluation = RegistryEvaluation.Evaluate(analysis, truth, run);
        ScanOutput.Write(outDir, result.Progress, analysis, probes, kernel, null);
        var evalPath = Path.Combine(outDir, EvalFile);
        File.WriteAllText(evalPath, evaluation.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var report = HtmlReport.Write(outDir);
        if (json) context.Out.WriteLine(evaluation.ToJsonString());
        else
        {
            context.Out.Write(Summary(evaluation));
            context.Out.WriteLine($"wrote {evalPath}; report: {report}");
        }
        return ExitCodes.Success;
    }

    static async Task<PairScore[,]> Rescore(IBlobStore store, IReadOnlyList<string> keys, Kernel kernel)
    {
        var fingerprints = new List<Fingerprint>();
        foreach (var k in keys) fingerprints.Add(await store.GetFingerprintAsync(k));
        return RegistryTile.Compute(fingerprints, fingerprints, kernel);
    }

    /// <summary>The evaluation's file in the output folder.</summary>
    public const string EvalFile = "eval.json";

    /// <summary>The evaluation as text: separation by score, light and heavy; verdicts; families; lineage.</summary>
    public static string Summary(JsonObject e)
    {
        var text = new StringBuilder();
        var run = e["run"]!;
        text.AppendLine($"eval: {e["models"]} models, {run["probe_set"]!["name"]} probes, {run["kernel"]} kernel; pairs: {e["pairs"]!.ToJsonString()}");
        text.AppendLine("score               light: AUC  TPR@1%  TPR@5%   heavy: AUC  TPR@1%  TPR@5%");
        foreach (var (name, _) in RegistryEvaluation.Scores)
        {
            var light = e["separation"]!["light"]![name];
            var heavy = e["separation"]!["heavy"]![name];
            if (light == null && heavy == null) continue;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{name,-18} {Cells(light)}   {Cells(heavy)}"));
        }
        text.AppendLine("by op (verdict evidence):");
        foreach (var row in e["by_op"]!.AsArray())
            text.AppendLine($"  {row!["strength"],-6} {row["op"],-10} {row["pairs"],4} pairs  {Cells(row["verdict_evidence"])}");
        text.AppendLine($"verdicts (rows: truth): {e["confusion"]!.ToJsonString()}");
        foreach (var twin in e["same_data_other_seed"]!.AsArray())
            text.AppendLine($"same data, other seed: {twin!["a"]} vs {twin["b"]}: {twin["verdict"]} (alignment {twin["alignment"]}, weights {twin["weights"]?.ToString() ?? "—"}, p {twin["p_value"]})");
        text.AppendLine($"families: ARI {e["families"]!["ari"]} ({e["families"]!["proposed"]} proposed, {e["families"]!["truth"]} true)");
        var lineage = e["lineage_scores_only"]!;
        text.AppendLine($"lineage from scores: {lineage["correct"]}/{lineage["models"]} edges ({lineage["edge_accuracy"]}), roots {lineage["roots_found"]}/{lineage["roots"]}; with metadata: {e["lineage"]!["edge_accuracy"]}");
        return text.ToString();

        static string Cells(JsonNode? s) => s == null ? "     —       —       —" :
            string.Create(CultureInfo.InvariantCulture, $"{V(s["auc"]),6}  {V(s["tpr_at_1pct_fpr"]),6}  {V(s["tpr_at_5pct_fpr"]),6}");
        static string V(JsonNode? v) => v == null ? "—" : v.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture);
    }
}
