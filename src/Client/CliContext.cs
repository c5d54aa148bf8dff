using Reef.Engine;

namespace Reef.Client;

/// <summary>
/// Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Error"/>; and when it should
/// stop (<see cref="Stopping"/>: Ctrl-C or SIGTERM).
/// </summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Stopping = default)
{
    /// <summary>A progress reporter for work on <paramref name="label"/>.</summary>
    public IProgress<ProgressUpdate> Progress(string label) => new ConsoleProgress(Error, Interactive, label);

    /// <summary>How progress and messages name a model or output folder: its last path component.</summary>
    public static string Label(string path) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
}
