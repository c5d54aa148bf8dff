using System.Runtime.InteropServices;

namespace Reef.Client;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM (what Kubernetes sends before it kills a pod) as a cancellation the commands observe:
/// a scan stops waiting within seconds, its state saved by the cluster, and the same command resumes it. A second
/// signal ends the process at once.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly List<PosixSignalRegistration> _registrations = [];

    public StopSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (_stop.IsCancellationRequested) return; // the second one: the default, which ends the process
                Received = context.Signal;
                context.Cancel = true;
                _stop.Cancel();
            }));
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that asked to stop, if one did.</summary>
    public PosixSignal? Received { get; private set; }

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void Exit(int status);

    /// <summary>
    /// Ends the process at once with <paramref name="code"/>, after the output is flushed. A stopped scan may leave an
    /// extraction running inside libtorch on a pool thread; the usual exit would unload the native libraries under it
    /// (seen here as a segmentation fault, exit 139). Everything worth keeping is saved by then.
    /// </summary>
    public static void ExitNow(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        Exit(code);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
