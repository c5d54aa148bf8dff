namespace Reef.Engine;

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, in order (unlike Progress&lt;T&gt;).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
