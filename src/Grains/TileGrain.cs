using Orleans.Runtime;
using Reef.Engine.Similarity;
using Reef.Engine.Store;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>
/// Computes one tile of the registry matrix on whichever silo it lands and stores the result under the tile's
/// key; the registry reads it from there. A tile already in the store is not computed again.
/// </summary>
public sealed class TileGrain(IBlobStore store, SiloCapacity capacity, ILocalSiloDetails silo) : Grain, ITileGrain
{
    BackgroundJob<bool>? _computation;

    async Task<ExtractionStatus> ITileGrain.EnsureAsync(TileRequest request)
    {
        var key = StoreKeys.Tile(this.GetPrimaryKeyString());
        if (_computation == null)
        {
            if (await store.ContainsAsync(key)) return new ExtractionStatus(JobState.Done, silo.Name, null);
            _computation = BackgroundJob<bool>.Run(() => Compute(key, request));
        }
        return new ExtractionStatus(_computation.State, silo.Name, _computation.Error);
    }

    async Task<bool> Compute(string key, TileRequest request)
    {
        await capacity.Tiles.WaitAsync();
        try
        {
            var fingerprints = new Dictionary<string, Engine.Fingerprints.Fingerprint>();
            foreach (var k in request.Rows.Concat(request.Cols).Distinct()) fingerprints[k] = await store.GetFingerprintAsync(k);
            var rows = request.Rows.Select(k => fingerprints[k]).ToList();
            var cols = request.Rows.SequenceEqual(request.Cols) ? rows : request.Cols.Select(k => fingerprints[k]).ToList();
            var scores = RegistryTile.Compute(rows, cols);
            await store.PutAsync(key, new TileResult(request.Rows, request.Cols, scores).ToBytes());
            return true;
        }
        finally { capacity.Tiles.Release(); }
    }
}
