using System.CommandLine;
using Reef.Engine.Fingerprints;

namespace Reef.Client.Commands;

/// <summary><c>reef fingerprint MODEL [--out FILE]</c>: writes a model's fingerprint file.</summary>
public static class FingerprintCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL") { Description = ModelArgument.Help };
        var output = new Option<string?>("--out") { Description = "Fingerprint file to write (default: <model folder name>.reef)." };
        var common = new CommonOptions();
        var command = new Command("fingerprint", "Fingerprint a model: per-layer Gram matrices of its activations on the probes.") { model, output };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var argument = ModelArgument.Resolve(parse.GetValue(model)!);
            var fingerprint = FingerprintBuilder.Build(argument.Path, common.LoadProbes(parse), common.Compute(parse), common.Batch(parse),
                context.Progress(argument.Label), limits: common.InputLimits(parse));
            var file = parse.GetValue(output) ?? argument.FileStem + ".reef";
            FingerprintFile.Write(fingerprint, file);
            context.Out.WriteLine($"wrote {file}: {fingerprint.Model.Architecture}, {fingerprint.Layers} layers, {fingerprint.Count} statements, " +
                                  $"probes {fingerprint.ProbeSetName} {fingerprint.ProbeHash[..12]}" +
                                  (fingerprint.Truncated > 0 ? $", {fingerprint.Truncated} cut to the context (ends kept)" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}
