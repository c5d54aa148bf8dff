using System.CommandLine;
using System.Diagnostics;
using Reef.Engine.Hubs;
using Reef.Engine.Lab.Training;
using Reef.Engine.Lab.Zoo;

namespace Reef.Client.Commands;

/// <summary><c>reef zoo --out HUB</c>: trains source models and derives every op from them, with ground-truth lineage.</summary>
public static class ZooCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Hub folder to build (resumes an interrupted build).", Required = true };
        var size = new Option<string>("--size") { Description = "quick (minutes; demo and tests) or full (bigger models, more steps; evaluation and benchmarks).", DefaultValueFactory = _ => "quick" };
        size.AcceptOnlyFromAmong("quick", "full");
        var seed = new Option<long>("--seed") { Description = "Seed of the whole zoo.", DefaultValueFactory = _ => 1 };
        var corpora = CorporaOption();
        var command = new Command("zoo", "Build a hub of small trained models and their derivatives, with lineage.json as ground truth.") { output, size, seed, corpora };
        command.SetAction(parse =>
        {
            Build(context, parse.GetValue(output)!, ModelSize.Parse(parse.GetValue(size)!), parse.GetValue(seed), parse.GetValue(corpora)!);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The folder with scripture.txt, fortunes.txt and jargon.txt (scripts/corpora.sh writes it).</summary>
    public static Option<string> CorporaOption() => new("--corpora")
    {
        Description = "Folder with the corpora scripts/corpora.sh extracts.", DefaultValueFactory = _ => Path.Combine(".reef", "corpora"),
    };

    /// <summary>Builds (or completes) the zoo and reports the time it took.</summary>
    public static void Build(CliContext context, string hub, ModelSize size, long seed, string corpora)
    {
        var clock = Stopwatch.StartNew();
        context.Error.WriteLine($"building the {size.Name} zoo in {hub} (models already there are kept)");
        ZooBuilder.Build(hub, ZooPlan.For(size, seed), seed, corpora, line => context.Error.WriteLine(line), context.Progress);
        context.Error.WriteLine($"zoo ready in {clock.Elapsed.TotalSeconds:F0} s: {hub}/{GroundTruth.FileName}");
    }
}
