using System.CommandLine;
using Reef.Engine.Fingerprints;

namespace Reef.Client.Commands;

/// <summary><c>reef activations MODEL --out DIR</c>: exports REEF's raw last-token activations.</summary>
public static class ActivationsCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL") { Description = ModelArgument.Help };
        var output = new Option<string>("--out") { Description = "Folder for layer_<i>.f32 and manifest.json.", Required = true };
        var common = new CommonOptions();
        var command = new Command("activations", "Export the last-token output of every decoder block on the probes.") { model, output };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var argument = ModelArgument.Resolve(parse.GetValue(model)!);
            var capture = FingerprintBuilder.Capture(argument.Path, common.LoadProbes(parse), common.Compute(parse), common.Batch(parse),
                context.Progress(argument.Label), limits: common.InputLimits(parse));
            var directory = parse.GetValue(output)!;
            ActivationsWriter.Write(directory, capture);
            var a = capture.Activations;
            context.Out.WriteLine($"wrote {a.LayerCount} layers of {a.Count} × {a.Width} float32 to {directory}" +
                                  (capture.Tokens.Truncated > 0 ? $" ({capture.Tokens.Truncated} statements cut to the model's context, ends kept)" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}
