using System.CommandLine;
using Reef.Client.Outputs;
using Reef.Client.Scanning;
using Reef.Engine.Similarity;
using Reef.Grains.Abstractions;

namespace Reef.Client.Commands;

/// <summary>
/// <c>reef scan HUB</c>: fingerprint every checkpoint under a hub on the cluster (embedded by default), score
/// every pair, write the matrix and families; with <c>--victim</c>, print the suspects of one model.
/// </summary>
public static class ScanCommand
{
    public static Command Create(CliContext context)
    {
        var hub = new Argument<string>("HUB") { Description = "Folder of checkpoints: plain folders at any depth, or a Hugging Face cache (models--org--name/snapshots/REV)." };
        var output = new Option<string?>("--out") { Description = "Where to write pairs.parquet, models.parquet, families.json, matrix.json, matrix.csv and report.html (default: HUB/.reef-scan)." };
        var victim = new Option<string?>("--victim") { Description = "Model id whose suspects to print (models most likely derived from it, or it from them)." };
        var scanId = new Option<string?>("--scan-id") { Description = "Scan id; the same id resumes an interrupted scan. Default: derived from HUB and --registry." };
        var layers = new Option<bool>("--layers") { Description = "Write every pair's layer-by-layer CKA matrix into matrix.json (by default only the top suspects')." };
        var window = new Option<int>("--window") { Description = "Models in flight at once.", DefaultValueFactory = _ => 8 };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var pairs = PairsOption.Create();
        var denseUpTo = new Option<int>("--dense-up-to")
        {
            Description = "The largest hub whose N × N views are written (matrix.csv, matrix.json's matrices, the report's full heatmap); " +
                          "above it the report shows families, top suspects and the score distribution, and pairs.parquet holds every verified pair.",
            DefaultValueFactory = _ => OutputFiles.DefaultDenseViewsUpTo,
        };
        var common = new CommonOptions();
        var analysisOptions = new AnalysisOptions();
        var connection = new ConnectionOptions();
        var command = new Command("scan", "Fingerprint and compare every checkpoint under a hub; write pairs.parquet, models.parquet, families.json, matrix.json, report.html.")
        {
            hub, output, victim, scanId, layers, window, json, pairs, denseUpTo,
        };
        common.AddClusterExtractionTo(command);
        analysisOptions.AddTo(command);
        connection.AddTo(command);
        command.SetAction(parse => Run(parse, context, common, analysisOptions, connection, parse.GetValue(hub)!, parse.GetValue(output), parse.GetValue(victim),
            parse.GetValue(scanId), parse.GetValue(layers), parse.GetValue(window), parse.GetValue(json), parse.GetValue(pairs)!, parse.GetValue(denseUpTo)).GetAwaiter().GetResult());
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, CommonOptions common, AnalysisOptions analysisOptions, ConnectionOptions connection, string hub,
        string? output, string? victim, string? scanId, bool layers, int window, bool json, string pairs, int denseUpTo)
    {
        var probes = common.LoadProbes(parse);
        var policy = analysisOptions.Policy(parse);
        var registry = parse.GetValue(connection.Registry)!;
        var outDir = output ?? Path.Combine(hub, ".reef-scan");
        if (window < 1) throw new ArgumentException("--window must be positive");
        if (denseUpTo < 0) throw new ArgumentException("--dense-up-to must not be negative");
        await using var cluster = await connection.OpenAsync(parse, context);
        var id = scanId ?? ScanRunner.DefaultScanId(hub, registry);
        context.Error.WriteLine($"scan {id}: {hub} on {cluster.Description}, {probes.Count} probes ({probes.Name})");
        var job = new ScanJob(hub, registry, id, probes, common.Batch(parse), parse.GetValue(common.Dtype)!, window, Kernel.Linear, policy,
            analysisOptions.Weights(parse), outDir, layers ? LayerMatrices.All : LayerMatrices.TopSuspects, victim, common.InputLimits(parse), pairs, denseUpTo);
        var result = await ScanPipeline.RunAsync(cluster.Client, cluster.Store, job, context.Progress("scan"), cancellation: context.Stopping);
        var analysis = result.Analysis;
        var report = result.Report;

        var p = result.Progress;
        if (json)
            context.Out.WriteLine(new ScanSummary(p.ScanId, p.Total, p.Done, p.Extracted, p.Reused, p.Failed,
                p.Models.Where(m => m.Status == FingerprintStatus.Failed).Select(m => new FailedModel(m.Id, m.FailureReason)).ToList(),
                Path.GetFullPath(outDir), Path.GetFullPath(report), victim != null ? SuspectsCommand.Rank(analysis, victim, 10) : null, p.Skipped ?? [], p.TileFailures ?? [], p.Repaired ?? []).ToJson());
        else
        {
            context.Out.WriteLine($"scan {p.ScanId}: {p.Done} of {p.Total} models fingerprinted ({p.Extracted} extracted, {p.Reused} reused), {p.Failed} failed");
            foreach (var f in p.Models.Where(m => m.Status == FingerprintStatus.Failed))
                context.Out.WriteLine($"  failed {f.Id}: {f.FailureReason}");
            foreach (var skipped in p.Skipped ?? []) context.Out.WriteLine($"  skipped {skipped}");
            foreach (var tile in p.TileFailures ?? []) context.Out.WriteLine($"  failed {tile}");
            foreach (var repaired in p.Repaired ?? []) context.Out.WriteLine($"  repaired {repaired}");
            context.Out.WriteLine($"wrote {Path.Combine(outDir, PairsTable.File)}, {ModelsTable.File}, families.json, matrix.json" +
                                  (result.Dense ? ", matrix.csv, matrix.png" : $" (no N × N views above {denseUpTo:N0} models)"));
            context.Out.WriteLine($"report: {report}");
            if (victim != null) context.Out.Write(SuspectsCommand.Table(analysis, victim, 10));
        }
        if (p.HasFailures) context.Error.WriteLine($"reef: the scan finished, but {p.Failed} models and {p.TileFailures?.Count ?? 0} tiles failed (listed above)");
        return p.HasFailures ? ExitCodes.PartlyFailed : ExitCodes.Success;
    }
}
