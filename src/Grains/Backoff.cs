namespace Reef.Grains;

/// <summary>
/// Retries of work that failed for a reason outside the model (the store restarting, a silo going away): 1, 2, 4, 8,
/// 16 and 30 seconds apart, a minute in all, long enough for a Redis pod to come back, short enough that a scan
/// does not hang on a store that stays down.
/// </summary>
public sealed class Backoff
{
    static readonly TimeSpan[] Pauses = new[] { 1, 2, 4, 8, 16, 30 }.Select(s => TimeSpan.FromSeconds(s)).ToArray();

    DateTime _next = DateTime.MinValue;

    /// <summary>Failures so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>The pause before the next attempt.</summary>
    public TimeSpan Delay => Pauses[Math.Min(Attempts, Pauses.Length) - 1];

    /// <summary>Whether the work may be tried now.</summary>
    public bool Due => DateTime.UtcNow >= _next;

    /// <summary>Counts a failure; true (and the next attempt scheduled) while retries remain.</summary>
    public bool Retry()
    {
        Attempts++;
        if (Attempts > Pauses.Length) return false;
        _next = DateTime.UtcNow + Delay;
        return true;
    }

    /// <summary>The work succeeded: the next failure starts the count again.</summary>
    public void Reset()
    {
        Attempts = 0;
        _next = DateTime.MinValue;
    }
}
