using Orleans.Runtime;
using Reef.Engine.Similarity;
using Reef.Engine.Store;
using System.Diagnostics;
using Reef.Grains.Abstractions;
using Reef.Grains.Telemetry;

namespace Reef.Grains;

/// <summary>
/// Computes one tile of the registry matrix on whichever silo it lands and stores the result under the tile's
/// key; the registry reads it from there. A tile already in the store is not computed again.
/// </summary>
public sealed class TileGrain(IBlobStore store, SiloCapacity capacity, ReefMetrics metrics, ILocalSiloDetails silo) : Grain, ITileGrain
{
    StoredJob? _computation;

    Task<JobStatus> ITileGrain.EnsureAsync(TileRequest request)
    {
        var key = StoreKeys.Tile(this.GetPrimaryKeyString());
        _computation ??= new StoredJob(store, key, silo.Name);
        return _computation.EnsureAsync(() => Compute(key, request));
    }

    async Task Compute(string key, TileRequest request)
    {
        await capacity.Tiles.WaitAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var fingerprints = new Dictionary<string, Engine.Fingerprints.Fingerprint>();
            foreach (var k in request.Rows.Concat(request.Cols).Distinct()) fingerprints[k] = await store.GetFingerprintAsync(k);
            var rows = request.Rows.Select(k => fingerprints[k]).ToList();
            var cols = request.Rows.SequenceEqual(request.Cols) ? rows : request.Cols.Select(k => fingerprints[k]).ToList();
            var scores = RegistryTile.Compute(rows, cols);
            await store.PutAsync(key, new TileResult(request.Rows, request.Cols, scores).ToBytes());
            // A diagonal tile scores each unordered pair once.
            var pairs = request.Rows.SequenceEqual(request.Cols) ? (long)rows.Count * (rows.Count - 1) / 2 : (long)rows.Count * cols.Count;
            metrics.TileScored(pairs, clock.Elapsed);
        }
        finally { capacity.Tiles.Release(); }
    }
}
