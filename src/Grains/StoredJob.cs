using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// A grain's one piece of work whose result is a value in the store: done as soon as the key is there (an
/// earlier activation, or another silo, finished it), otherwise started once in the background and reported
/// on each ask. Fingerprint extractions and matrix tiles are both this. A failed job stays failed in its activation;
/// its grain deactivates, so that the next ask (a retry, a rescan) starts it afresh.
/// </summary>
public sealed class StoredJob(IBlobStore store, string key, string silo)
{
    // Orleans can briefly run two activations of one grain while cluster membership settles (silos joining at
    // once, or one dying); a claim in the store lets only one of them do the work. The holder renews it while
    // working, so a claim outlives its holder by at most one lease when the holder's silo dies.
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    readonly string _owner = $"{silo}/{Guid.NewGuid():N}";
    BackgroundJob<bool>? _job;

    public async Task<JobStatus> EnsureAsync(Func<Task> work)
    {
        // A result deleted since (found corrupt where it was read) is made again.
        if (_job?.State == JobState.Done && !await store.ContainsAsync(key)) _job = null;
        if (_job == null)
        {
            if (await store.ContainsAsync(key)) return new JobStatus(JobState.Done, silo, null);
            if (!await store.ClaimAsync(key, _owner, Lease)) return new JobStatus(JobState.Running, silo, null);
            _job = BackgroundJob<bool>.Run(async () =>
            {
                using var renewal = new Timer(_ => _ = RenewClaim(), null, RenewEvery, RenewEvery);
                try { await work(); }
                catch
                {
                    // A failed job gives its claim up, so that a retry (a new activation) can start at once.
                    try { await store.ReleaseClaimAsync(key, _owner); }
                    catch (StoreUnavailableException) { } // the lease runs out by itself
                    throw;
                }
                return true;
            });
        }
        return new JobStatus(_job.State, silo, _job.Error, _job.ErrorKind);
    }

    /// <summary>Renews the claim; a store that is briefly unreachable only delays the renewal.</summary>
    async Task RenewClaim()
    {
        try { await store.ClaimAsync(key, _owner, Lease); }
        catch (StoreUnavailableException) { }
    }
}
