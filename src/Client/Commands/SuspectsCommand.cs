using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reef.Client.Scanning;
using Reef.Grains.Abstractions;

namespace Reef.Client.Commands;

/// <summary><c>reef suspects MODEL</c>: the registry's models ranked by how likely they derive from MODEL (or it from them).</summary>
public static class SuspectsCommand
{
    public sealed record Suspect(string Id, double Reef, double Best, string? Verdict);

    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL") { Description = "Model id as the scan named it (e.g. org/name@rev or a folder path under the hub)." };
        var top = new Option<int>("--top") { Description = "How many to list.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var connection = new ConnectionOptions();
        var command = new Command("suspects", "Rank the registry's models by REEF similarity to MODEL.") { model, top, json };
        connection.AddTo(command);
        command.SetAction(parse => Run(parse, context, connection, parse.GetValue(model)!, parse.GetValue(top), parse.GetValue(json)).GetAwaiter().GetResult());
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, ConnectionOptions connection, string model, int top, bool json)
    {
        await using var cluster = await connection.OpenAsync(parse, context);
        var matrix = await cluster.Client.GetGrain<IRegistryGrain>(parse.GetValue(connection.Registry)!).GetMatrixAsync(null);
        if (json) context.Out.WriteLine(JsonSerializer.Serialize(Rank(matrix, model, top).Select(s => new { id = s.Id, reef = s.Reef, best = s.Best, verdict = s.Verdict })));
        else context.Out.Write(Table(matrix, model, top));
        return ExitCodes.Success;
    }

    /// <summary>The other models by descending REEF-layer CKA with <paramref name="model"/>.</summary>
    public static IReadOnlyList<Suspect> Rank(SimilarityMatrix matrix, string model, int top)
    {
        var i = matrix.Ids.ToList().IndexOf(model);
        if (i < 0) throw new ArgumentException($"model '{model}' is not in the matrix; ids look like '{matrix.Ids.FirstOrDefault()}'");
        return Enumerable.Range(0, matrix.Ids.Count).Where(j => j != i && !double.IsNaN(matrix.At(matrix.Reef, i, j)))
            .Select(j => new Suspect(matrix.Ids[j], matrix.At(matrix.Reef, i, j), matrix.At(matrix.Best, i, j), ScanOutput.Verdict(matrix.At(matrix.Reef, i, j))))
            .OrderByDescending(s => s.Reef).Take(top).ToList();
    }

    public static string Table(SimilarityMatrix matrix, string model, int top)
    {
        var text = new StringBuilder($"suspects of {model} (REEF-layer linear CKA; best layer pair):\n");
        foreach (var s in Rank(matrix, model, top))
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {s.Reef,7:F3}  {s.Best,7:F3}  {s.Verdict,-12} {s.Id}"));
        return text.ToString();
    }
}
