using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Reef.TestSupport;

/// <summary>
/// The reef command line as its own process, as a user or a Kubernetes Job runs it, with what the hardening tests
/// measure: exit code, output, wall time, and peak resident memory (the kernel's high-water mark, read from /proc
/// while it runs).
/// </summary>
public static class ReefProcess
{
    public sealed record Result(int ExitCode, string Out, string Error, TimeSpan Wall, long PeakRssBytes)
    {
        public override string ToString() =>
            $"exit {ExitCode} after {Wall.TotalSeconds:F1} s, peak RSS {PeakRssBytes / 1048576.0:F0} MiB\nstdout: {Out}\nstderr: {Error}";

        /// <summary>Whether the output shows what a user must never see: .NET stack frames, libtorch's C++ frames, an abort.</summary>
        public bool ShowsStackTrace => StackTrace.IsMatch(Error + Out);

        /// <summary>Asserts bad input (exit 3) naming <paramref name="file"/> and saying <paramref name="problem"/>, with no stack trace.</summary>
        public void AssertBadInput(string file, string problem)
        {
            Assert.True(ExitCode == 3, ToString());
            Assert.Contains(file, Error);
            Assert.Contains(problem, Error);
            Assert.False(ShowsStackTrace, ToString());
        }
    }

    static readonly Regex StackTrace = new(@"(^\s+at \S+\(|frame #\d+|Exception raised from|terminate called)", RegexOptions.Multiline);

    /// <summary>Runs <c>reef ARGS</c> to the end (killed after <paramref name="timeout"/>, which fails the test).</summary>
    public static Result Run(IReadOnlyList<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        long peak = 0;
        var deadline = timeout ?? TimeSpan.FromMinutes(2);
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            if (clock.Elapsed > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"reef {string.Join(' ', args)} ran past {deadline.TotalSeconds} s");
            }
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result, clock.Elapsed, peak);
    }

    /// <summary>Starts <c>reef ARGS</c> with its output redirected, for tests that signal it while it runs.</summary>
    public static Process Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Build.Output("Client", "reef.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start reef");
    }

    /// <summary>VmHWM of a running process, in bytes (0 once it has gone).</summary>
    public static long PeakRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}
