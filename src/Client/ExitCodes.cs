namespace Reef.Client;

/// <summary>The exit codes of every <c>reef</c> command; stable, scripts depend on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Anything else: a bug, an I/O error, a native library failure.</summary>
    public const int Failure = 1;
    /// <summary>Bad command line: unknown option, missing argument, bad option value.</summary>
    public const int BadUsage = 2;
    /// <summary>Bad input file: the message names the file and what is wrong.</summary>
    public const int BadInput = 3;
    /// <summary>The scan finished, but some models or tiles failed: each is listed, with why, in the output and matrix.json.</summary>
    public const int PartlyFailed = 4;
    /// <summary>Stopped by Ctrl-C (SIGINT, 130) or SIGTERM (143) before the end; the scan's state is saved, the same command resumes it.</summary>
    public const int Interrupted = 130;
    public const int Terminated = 143;
}
