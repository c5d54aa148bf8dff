using Reef.Engine.Store;

namespace Reef.Engine.Tests;

public sealed class StoreClaimTests
{
    [Fact]
    public async Task OneOwnerHoldsAClaimUntilItExpiresAndMayRenewIt()
    {
        using var temp = new TempDirectory();
        var store = new FolderBlobStore(temp.Path);
        Assert.True(await store.ClaimAsync("fingerprints/abc", "silo-1/a", TimeSpan.FromSeconds(30)));
        Assert.False(await store.ClaimAsync("fingerprints/abc", "silo-2/b", TimeSpan.FromSeconds(30)));
        Assert.True(await store.ClaimAsync("fingerprints/abc", "silo-1/a", TimeSpan.FromMilliseconds(1)));
        await Task.Delay(20);
        Assert.True(await store.ClaimAsync("fingerprints/abc", "silo-2/b", TimeSpan.FromSeconds(30)));
        Assert.True(await store.ClaimAsync("fingerprints/other", "silo-1/a", TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await store.GetStoredBytesAsync());
    }
}
