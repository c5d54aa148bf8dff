using Reef.Engine;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// Work that outlives a grain call: started once, run on the thread pool, and asked about by later calls, so
/// no turn waits for minutes of extraction near Orleans' response timeout. Lost with its activation (a dead
/// silo); the next ask on the new activation starts it again.
/// </summary>
public sealed class BackgroundJob<T>
{
    readonly Task<T> _task;

    BackgroundJob(Task<T> task) => _task = task;

    public static BackgroundJob<T> Run(Func<Task<T>> work) => new(Task.Run(work));

    public JobState State => !_task.IsCompleted ? JobState.Running : _task.IsCompletedSuccessfully ? JobState.Done : JobState.Failed;

    public T Result => _task.Result;

    /// <summary>Why it failed: bad input names the file and the problem; anything else its type and message.</summary>
    public string? Error => _task.Exception?.InnerException is { } e ? FailureKind.Describe(e) : null;

    /// <summary>The failure's kind in a word, for a metric label (<see cref="FailureKind"/>).</summary>
    public string? ErrorKind => _task.Exception?.InnerException is { } e ? FailureKind.Of(e) : null;
}
