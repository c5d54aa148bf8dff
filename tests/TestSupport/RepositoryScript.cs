using System.Diagnostics;

namespace Reef.TestSupport;

/// <summary>Runs one of the repository's scripts/ as a user would, failing with its stderr when it exits non-zero.</summary>
public static class RepositoryScript
{
    public static string Run(string script, params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo(Path.Combine(Repository.Root, "scripts", script), args)
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} exited {process.ExitCode}: {output}\n{error.Result}");
        return output;
    }
}
