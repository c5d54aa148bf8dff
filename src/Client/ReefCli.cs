using System.CommandLine;
using Reef.Client.Commands;
using Reef.Engine;

namespace Reef.Client;

/// <summary>
/// The <c>reef</c> command line. Every command maps failures to <see cref="ExitCodes"/>: bad usage 2,
/// bad input 3 (the message names the file), anything else 1.
/// </summary>
public static class ReefCli
{
    /// <summary>Runs <paramref name="args"/>, writing to the given streams; returns the exit code. <paramref name="stop"/> stops long commands.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false, StopSignals? stop = null)
    {
        var context = new CliContext(output, error, interactive, stop?.Token ?? default);
        var parse = Create(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"reef: {e.Message}");
            error.WriteLine("Run 'reef --help' for usage.");
            return ExitCodes.BadUsage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException) when (stop?.Received is { } signal)
        {
            error.WriteLine($"reef: stopped by {signal}; what was done is saved, and the same command resumes it");
            return signal == System.Runtime.InteropServices.PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        }
        catch (InvalidInputException e)
        {
            error.WriteLine($"reef: bad input: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"reef: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (Exception e)
        {
            error.WriteLine($"reef: failed: {FailureKind.Describe(e)}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Every reef command, for running and for checking command lines written elsewhere (deploy/k8s).</summary>
    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand(
            "ReefCluster: REEF fingerprints of language models (CKA of hidden-state representations on the same probes), " +
            "to tell which models derive from which.");
        root.Subcommands.Add(ActivationsCommand.Create(context));
        root.Subcommands.Add(FingerprintCommand.Create(context));
        root.Subcommands.Add(CompareCommand.Create(context));
        root.Subcommands.Add(DeriveCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(ZooCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(ScanCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(SuspectsCommand.Create(context));
        root.Subcommands.Add(RemoveCommand.Create(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        return root;
    }
}
