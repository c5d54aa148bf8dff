using System.CommandLine;
using System.Text.Json;
using Reef.Client.Scanning;
using Reef.Engine;
using Reef.Grains.Abstractions;

namespace Reef.Client.Commands;

/// <summary><c>reef remove MODEL...</c>: takes models out of the registry (deleted from the hub, or added by mistake).</summary>
public static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var models = new Argument<string[]>("MODEL") { Description = "Model ids as the scan named them.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON: the ids removed and those the registry did not hold." };
        var connection = new ConnectionOptions();
        var command = new Command("remove",
            "Take models out of the registry: their ids, facts, pairs and candidates (pairs stay where another id holds the same weights). " +
            "A later scan of a hub that still has them adds them again. Exit 3 when an id is not in the registry.") { models, json };
        connection.AddTo(command);
        command.SetAction(parse => Run(parse, context, connection, parse.GetValue(models)!, parse.GetValue(json)).GetAwaiter().GetResult());
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, ConnectionOptions connection, string[] ids, bool json)
    {
        await using var cluster = await connection.OpenAsync(parse, context);
        var registryName = parse.GetValue(connection.Registry)!;
        var removed = await cluster.Client.GetGrain<IRegistryGrain>(registryName).RemoveAsync(ids);
        var unknown = ids.Except(removed).Distinct().ToList();
        if (json) context.Out.WriteLine(JsonSerializer.Serialize(new { removed, not_in_registry = unknown }));
        else foreach (var id in removed) context.Out.WriteLine($"removed {id}");
        if (unknown.Count > 0)
            throw new InvalidInputException(registryName, $"not in the registry: {string.Join(", ", unknown)}" + (removed.Count > 0 ? $" (removed the other {removed.Count})" : ""));
        return ExitCodes.Success;
    }
}
