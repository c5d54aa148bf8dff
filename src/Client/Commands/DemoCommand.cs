using System.CommandLine;
using Reef.Engine.Lab.Training;
using Reef.Engine.Lab.Zoo;
using Reef.Engine.Models;
using Reef.Engine.Probes;

namespace Reef.Client.Commands;

/// <summary>
/// <c>reef demo</c>: the main job on one machine. Builds the quick zoo if it is not there yet, fingerprints every
/// model, and prints each against its family's source and the other sources, checked against the ground truth.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var hub = new Option<string>("--hub") { Description = "Zoo hub to build or reuse.", DefaultValueFactory = _ => Path.Combine(".reef", "zoo-quick") };
        var size = new Option<string>("--size") { Description = "quick or full.", DefaultValueFactory = _ => "quick" };
        size.AcceptOnlyFromAmong("quick", "full");
        var samples = new Option<int>("--samples") { Description = "Probe statements (REEF uses 200).", DefaultValueFactory = _ => 200 };
        var corpora = ZooCommand.CorporaOption();
        var command = new Command("demo", "Build the quick zoo (once) and compare every model with every source.") { hub, size, samples, corpora };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(hub)!;
            ZooCommand.Build(context, directory, ModelSize.Parse(parse.GetValue(size)!), 1, parse.GetValue(corpora)!);
            var report = ZooReport.Evaluate(directory, ProbeLoader.Load(null, parse.GetValue(samples)), ComputeOptions.Default, context.Progress);
            context.Out.Write(ZooTable.Summary(report));
            File.WriteAllText(Path.Combine(directory, "report.md"), ZooTable.Full(report));
            context.Out.WriteLine($"every source against every model, both CKA variants: {Path.Combine(directory, "report.md")}");
            return ExitCodes.Success;
        });
        return command;
    }
}
