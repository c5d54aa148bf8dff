using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reef.Client.Scanning;
using Reef.Engine.Analysis;
using Reef.Grains.Abstractions;

namespace Reef.Client.Commands;

/// <summary><c>reef suspects MODEL</c>: the registry's models ranked by how likely they derive from MODEL (or it from them).</summary>
public static class SuspectsCommand
{
    /// <summary>One suspect: its scores, the calibrated p-value (estimated false-positive rate) and the verdict.</summary>
    public sealed record Suspect(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("reef_layer")] double Reef,
        [property: JsonPropertyName("alignment")] double Alignment,
        [property: JsonPropertyName("best_pair")] double Best,
        [property: JsonPropertyName("weights")] double? Weights,
        [property: JsonPropertyName("p_value")] double? PValue,
        [property: JsonPropertyName("log10_p")] double? Log10P,
        [property: JsonPropertyName("verdict")] string Verdict,
        [property: JsonPropertyName("aligned_weights")] double? AlignedWeights = null);

    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL") { Description = "Model id as the scan named it (e.g. org/name@rev or a folder path under the hub)." };
        var top = new Option<int>("--top") { Description = "How many to list.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var connection = new ConnectionOptions();
        var analysisOptions = new AnalysisOptions();
        var command = new Command("suspects", "Rank the registry's models by the evidence that they derive from MODEL (or it from them).") { model, top, json };
        analysisOptions.AddTo(command);
        connection.AddTo(command);
        command.SetAction(parse => Run(parse, context, connection, analysisOptions, parse.GetValue(model)!, parse.GetValue(top), parse.GetValue(json))
            .GetAwaiter().GetResult());
        return command;
    }

    static async Task<int> Run(ParseResult parse, CliContext context, ConnectionOptions connection, AnalysisOptions analysisOptions, string model, int top,
        bool json)
    {
        await using var cluster = await connection.OpenAsync(parse, context);
        // The same analysis a scan makes: the registry keeps each model's facts and weight scores beside its REEF scores.
        var (_, analysis, _) = await RegistryReader.ReadAsync(cluster.Client.GetGrain<IRegistryGrain>(parse.GetValue(connection.Registry)!), null,
            analysisOptions.Weights(parse), analysisOptions.Policy(parse), denseUpTo: 0, cluster.Store);
        if (json) context.Out.WriteLine(JsonSerializer.Serialize(Rank(analysis, model, top)));
        else context.Out.Write(Table(analysis, model, top));
        return ExitCodes.Success;
    }

    /// <summary>The other models, strongest evidence of derivation first.</summary>
    public static IReadOnlyList<Suspect> Rank(RegistryAnalysis analysis, string model, int top)
    {
        var ids = analysis.Models.Select(m => m.Id).ToList();
        var i = ids.IndexOf(model);
        if (i < 0) throw new ArgumentException($"model '{model}' is not in the matrix; ids look like '{ids.FirstOrDefault()}'");
        return analysis.StrongestPairs(i).Take(top).Select(p => (J: p.A == i ? p.B : p.A, E: p.Evidence))
            .Select(p => new Suspect(ids[p.J], p.E.Scores.Reef, p.E.Scores.Alignment, p.E.Scores.Best, p.E.Weights?.Value, p.E.PValue, p.E.LogP is { } l && double.IsFinite(l) ? l / Math.Log(10) : null,
                p.E.Verdict.ToString().ToLowerInvariant(), p.E.Aligned?.Value))
            .ToList();
    }

    static string Score(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "—";

    public static string Table(RegistryAnalysis analysis, string model, int top)
    {
        var text = new StringBuilder($"suspects of {model} (linear CKA: REEF layer, alignment; weight signature, aligned weights; calibrated p-value):\n");
        foreach (var s in Rank(analysis, model, top))
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Reef,7:F3}  {s.Alignment,7:F3}  {Score(s.Weights),7}  {Score(s.AlignedWeights),7}  {(s.PValue == 0 && s.Log10P == null ? "0" : ComparisonText.PValue(s.Log10P)),9}  {s.Verdict,-12} {s.Id}"));
        return text.ToString();
    }
}
