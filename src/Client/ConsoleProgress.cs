using Reef.Engine;

namespace Reef.Client;

/// <summary>
/// Progress on standard error: a redrawn bar on a terminal; on a pipe or in CI, one line when a phase ends
/// (and every 5 seconds of long phases), so logs stay readable.
/// </summary>
public sealed class ConsoleProgress(TextWriter error, bool interactive, string label) : IProgress<ProgressUpdate>
{
    string? _phase;
    DateTime _lastDraw = DateTime.MinValue;

    public void Report(ProgressUpdate update)
    {
        var fraction = update.Total > 0 ? (double)update.Done / update.Total : 0;
        var finished = update.Total > 0 && update.Done >= update.Total;
        if (update.Phase != _phase)
        {
            if (interactive && _phase != null) error.WriteLine();
            _phase = update.Phase;
        }
        if (interactive)
        {
            if (!finished && (DateTime.UtcNow - _lastDraw).TotalMilliseconds < 100) return;
            _lastDraw = DateTime.UtcNow;
            var filled = (int)Math.Round(fraction * 24);
            error.Write($"\r{label} {update.Phase,-8} [{new string('#', filled)}{new string('.', 24 - filled)}] {Describe(update)}   ");
            if (finished) { error.WriteLine(); _phase = null; }
            return;
        }
        // Logs get one line per finished phase, and one every 5 seconds of a long one.
        if (finished || (DateTime.UtcNow - _lastDraw).TotalSeconds >= 5)
        {
            if (_lastDraw == DateTime.MinValue && !finished) { _lastDraw = DateTime.UtcNow; return; }
            _lastDraw = DateTime.UtcNow;
            error.WriteLine($"{label} {update.Phase}: {Describe(update)}");
        }
    }

    static string Describe(ProgressUpdate u)
    {
        string Amount(long v) => u.Unit == "bytes" ? $"{v / 1048576.0:F1} MiB" : v.ToString();
        var rate = u.PerSecond is { } r ? u.Unit == "bytes" ? $", {r / 1048576.0:F0} MiB/s" : $", {r:F1} {u.Unit}/s" : "";
        return $"{Amount(u.Done)}/{Amount(u.Total)} {(u.Unit == "bytes" ? "" : u.Unit)}{rate}{(u.Detail != null ? ", " + u.Detail : "")}";
    }
}
