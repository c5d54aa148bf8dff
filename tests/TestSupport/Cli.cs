using Reef.Client;

namespace Reef.TestSupport;

/// <summary>Runs the reef command line in-process and captures what it prints.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ReefCli.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
