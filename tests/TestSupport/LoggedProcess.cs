using System.Diagnostics;

namespace Reef.TestSupport;

/// <summary>A server or client process of a test, its stdout and stderr written to LOGS/NAME.out and LOGS/NAME.log.</summary>
public static class LoggedProcess
{
    public static Process Start(string file, IEnumerable<string> args, string logs, string name, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = new StreamWriter(Path.Combine(logs, name + ".out"), append: true) { AutoFlush = true };
        var log = new StreamWriter(Path.Combine(logs, name + ".log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Waits for a started process to exit and for its redirected output to be written out: a timed
    /// <see cref="Process.WaitForExit(TimeSpan)"/> returns at exit, before the last lines have reached the log.
    /// </summary>
    public static bool WaitForExit(Process process, TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout)) return false;
        process.WaitForExit();
        return true;
    }

    public static string Log(string logs, string name) =>
        File.Exists(Path.Combine(logs, name + ".log")) ? File.ReadAllText(Path.Combine(logs, name + ".log")) : "";
}
