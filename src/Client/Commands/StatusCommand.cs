using System.CommandLine;
using System.Text.Json;
using Reef.Client.Scanning;
using Reef.Grains.Abstractions;

namespace Reef.Client.Commands;

/// <summary><c>reef status</c>: the registry's scans and where each stands.</summary>
public static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var connection = new ConnectionOptions();
        var command = new Command("status", "Show the registry's scans: phase, models done, extracted, reused, failed.") { json };
        connection.AddTo(command);
        command.SetAction(parse => Run(parse, context, connection, parse.GetValue(json)).GetAwaiter().GetResult());
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, ConnectionOptions connection, bool json)
    {
        await using var cluster = await connection.OpenAsync(parse, context);
        var registry = cluster.Client.GetGrain<IRegistryGrain>(parse.GetValue(connection.Registry)!);
        var scans = new List<ScanProgress>();
        foreach (var id in await registry.GetScansAsync())
            if (await cluster.Client.GetGrain<IScanGrain>(id).GetProgressAsync() is { } p) scans.Add(p);
        if (json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(scans.Select(p => new
            {
                scan = p.ScanId, hub = p.Hub, phase = p.Phase.ToString().ToLowerInvariant(), models = p.Total, done = p.Done, failed = p.Failed,
                extracted = p.Extracted, reused = p.Reused, tiles_done = p.TilesDone, tiles_total = p.TilesTotal, started = p.Started, finished = p.Finished,
                done_models = p.Models.Where(m => m.Status == FingerprintStatus.Done).Select(m => m.Id),
                failures = p.Models.Where(m => m.Status == FingerprintStatus.Failed)
                    .Select(m => new { id = m.Id, reason = m.FailureReason, kind = m.FailureKind }),
                tile_failures = p.TileFailures ?? [], skipped = p.Skipped ?? [], repaired = p.Repaired ?? [], error = p.Error,
            })));
            return ExitCodes.Success;
        }
        if (scans.Count == 0) context.Out.WriteLine("no scans");
        foreach (var p in scans)
        {
            context.Out.WriteLine($"{p.ScanId}  {p.Phase.ToString().ToLowerInvariant(),-14} {p.Done}/{p.Total} models ({p.Extracted} extracted, {p.Reused} reused, {p.Failed} failed)  " +
                                  $"tiles {p.TilesDone}/{p.TilesTotal}  {p.Hub}");
            foreach (var m in p.Models.Where(m => m.Status == FingerprintStatus.Failed))
                context.Out.WriteLine($"  failed {m.Id} ({m.FailureKind}): {m.FailureReason}");
            foreach (var tile in p.TileFailures ?? []) context.Out.WriteLine($"  failed {tile}");
            foreach (var skipped in p.Skipped ?? []) context.Out.WriteLine($"  skipped {skipped}");
            if (p.Error != null) context.Out.WriteLine($"  error: {p.Error}");
        }
        return ExitCodes.Success;
    }
}
