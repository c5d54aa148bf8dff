using System.CommandLine;
using System.Globalization;
using Reef.Engine.Lab.Training;

namespace Reef.Client.Commands;

/// <summary><c>reef train --text FILE --out DIR</c>: a small Llama-architecture model trained from scratch.</summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var text = new Option<string>("--text") { Description = "Training text (UTF-8, one passage a line).", Required = true };
        var output = new Option<string>("--out") { Description = "Checkpoint folder to write.", Required = true };
        var size = new Option<string>("--size") { Description = "quick or full.", DefaultValueFactory = _ => "quick" };
        size.AcceptOnlyFromAmong("quick", "full");
        var seed = new Option<long>("--seed") { Description = "Seed of the initialization and the batch order.", DefaultValueFactory = _ => 1 };
        var command = new Command("train", "Train a small Llama-architecture model (and its BPE tokenizer) from scratch on a text file.") { text, output, size, seed };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(output)!;
            var result = SourceTraining.Run(parse.GetValue(text)!, directory, ModelSize.Parse(parse.GetValue(size)!), parse.GetValue(seed),
                context.Progress(CliContext.Label(directory)));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {directory}: loss {result.FirstLoss:F3} -> {result.FinalLoss:F3}, {result.StepsPerSecond:F1} steps/s"));
            return ExitCodes.Success;
        });
        return command;
    }
}
