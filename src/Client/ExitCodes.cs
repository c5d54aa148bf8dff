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
}
