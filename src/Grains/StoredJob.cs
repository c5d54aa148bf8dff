using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// A grain's one piece of work whose result is a value in the store: done as soon as the key is there (an
/// earlier activation, or another silo, finished it), otherwise started once in the background and reported
/// on each ask. Fingerprint extractions and matrix tiles are both this.
/// </summary>
public sealed class StoredJob(IBlobStore store, string key, string silo)
{
    BackgroundJob<bool>? _job;

    public async Task<JobStatus> EnsureAsync(Func<Task> work)
    {
        if (_job == null)
        {
            if (await store.ContainsAsync(key)) return new JobStatus(JobState.Done, silo, null);
            _job = BackgroundJob<bool>.Run(async () =>
            {
                await work();
                return true;
            });
        }
        return new JobStatus(_job.State, silo, _job.Error, _job.ErrorKind);
    }
}
