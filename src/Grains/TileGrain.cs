using System.Diagnostics;
using Orleans.Runtime;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;
using Reef.Engine.Store;
using Reef.Engine.Weights;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// Computes one tile of the registry matrix on whichever silo it lands, REEF scores and weight-signature scores, and
/// stores the result under the tile's key; the registry reads it from there. A tile already in the store is not
/// computed again.
/// </summary>
public sealed class TileGrain(IBlobStore store, SiloCapacity capacity, ReefMetrics metrics, ILocalSiloDetails silo) : Grain, ITileGrain
{
    StoredJob? _computation;

    async Task<JobStatus> ITileGrain.EnsureAsync(TileRequest request)
    {
        var key = StoreKeys.Tile(this.GetPrimaryKeyString());
        _computation ??= new StoredJob(store, key, silo.Name);
        var status = await _computation.EnsureAsync(() => Compute(key, request));
        // A failed tile is reported once; the next ask (the registry's next update) starts a fresh activation.
        if (status.State == JobState.Failed) DeactivateOnIdle();
        return status;
    }

    async Task Compute(string key, TileRequest request)
    {
        await capacity.Tiles.WaitAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var square = request.Rows.SequenceEqual(request.Cols);
            var fingerprints = new Dictionary<string, Fingerprint>();
            var signatures = new Dictionary<string, WeightSignature>();
            foreach (var m in request.Rows.Concat(request.Cols).DistinctBy(m => m.FingerprintKey))
            {
                fingerprints[m.FingerprintKey] = await store.GetFingerprintAsync(m.FingerprintKey);
                if (m.WeightSignatureKey is { } s && !signatures.ContainsKey(s)) signatures[s] = await store.GetWeightSignatureAsync(s);
            }
            var rowPrints = request.Rows.Select(m => fingerprints[m.FingerprintKey]).ToList();
            var colPrints = square ? rowPrints : request.Cols.Select(m => fingerprints[m.FingerprintKey]).ToList();
            var rowSignatures = request.Rows.Select(m => m.WeightSignatureKey is { } s ? signatures[s] : null).ToList();
            var colSignatures = square ? rowSignatures : request.Cols.Select(m => m.WeightSignatureKey is { } s ? signatures[s] : null).ToList();

            var scores = RegistryTile.Compute(rowPrints, colPrints, Enum.Parse<Kernel>(request.Kernel, ignoreCase: true));
            var weights = WeightTile.Compute(rowSignatures, colSignatures, (r, c) => request.Rows[r].FingerprintKey == request.Cols[c].FingerprintKey);
            var rows = request.Rows.Select(m => m.FingerprintKey).ToList();
            await store.PutAsync(key, new TileResult(rows, square ? rows : request.Cols.Select(m => m.FingerprintKey).ToList(), scores, weights).ToBytes());
            await store.IncrementAsync(StoreKeys.TileCounter(key));
            // A diagonal tile scores each unordered pair once.
            var pairs = square ? (long)rowPrints.Count * (rowPrints.Count - 1) / 2 : (long)rowPrints.Count * colPrints.Count;
            metrics.TileScored(pairs, clock.Elapsed);
            // A tile leaves hundreds of megabytes of large arrays behind (fingerprints, weight signatures and their
            // copies); the next tile would allocate as much again before a collection came. Measured on the quick zoo's
            // first scan: peak RSS 2.5 GB without this, 1.5 GB with it. A full collection costs milliseconds, a tile seconds.
            signatures.Clear();
            fingerprints.Clear();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        finally { capacity.Tiles.Release(); }
    }
}
