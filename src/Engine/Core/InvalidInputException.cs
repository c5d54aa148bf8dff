namespace Reef.Engine;

/// <summary>
/// Input the user can fix: a malformed checkpoint, config, probe or fingerprint file. Always names the
/// file and what is wrong with it; the command line maps it to exit code 3.
/// </summary>
public class InvalidInputException(string file, string reason, Exception? inner = null)
    : Exception($"{file}: {reason}", inner)
{
    /// <summary>The file (or folder) that is wrong.</summary>
    public string File { get; } = file;

    /// <summary>What is wrong with it, in one sentence.</summary>
    public string Reason { get; } = reason;
}
