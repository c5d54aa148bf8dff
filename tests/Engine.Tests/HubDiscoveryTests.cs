using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Hubs;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using static TorchSharp.torch;

namespace Reef.Engine.Tests;

public class HubDiscoveryTests
{
    /// <summary>Lays a checkpoint out as Hugging Face's cache does: files in blobs/, snapshot entries linking to them.</summary>
    static string CacheLayout(string hub, string repo, string revision, string checkpoint) => HfCacheLayout.Add(hub, repo, revision, checkpoint);

    [Fact]
    public void FindsPlainFoldersAtAnyDepthAndTheCacheLayout()
    {
        using var temp = new TempDirectory();
        var hub = temp.Sub("hub");
        var a = TestModels.Write(Path.Combine(hub, "org-a", "base"), Architecture.Llama);
        TestModels.Write(Path.Combine(hub, "org-a", "base-finetuned"), Architecture.Llama, seed: 2);
        TestModels.Write(Path.Combine(hub, "flat"), Architecture.Gpt2);
        Directory.CreateDirectory(Path.Combine(hub, "org-a", "base", "original"));
        File.WriteAllText(Path.Combine(hub, "org-a", "base", "original", "config.json"), "{}"); // inside a checkpoint: not another model
        Directory.CreateDirectory(Path.Combine(hub, ".fingerprints", "x"));
        File.WriteAllText(Path.Combine(hub, ".fingerprints", "x", "config.json"), "{}"); // hidden: skipped
        Directory.CreateDirectory(Path.Combine(hub, "broken"));
        File.WriteAllText(Path.Combine(hub, "broken", "config.json"), "{ nope"); // listed: the scan reports why it fails
        Directory.CreateDirectory(Path.Combine(hub, "corpora"));
        File.WriteAllText(Path.Combine(hub, "corpora", "text.txt"), "no checkpoint here");
        var cache = Path.Combine(hub, "hf-cache");
        var snapshot = CacheLayout(cache, "meta-llama/Tiny", "0123abcd", a);

        var found = HubDiscovery.Find(hub).Models;
        Assert.Equal(["broken", "flat", "meta-llama/Tiny@0123abcd", "org-a/base", "org-a/base-finetuned"], found.Select(m => m.Id));
        Assert.Equal(snapshot, found.Single(m => m.Id.StartsWith("meta-llama")).Path);
    }

    [Fact]
    public void CacheSnapshotsFingerprintLikeTheFolderTheyCameFrom()
    {
        using var temp = new TempDirectory();
        var source = TestModels.Write(temp.Sub("source"), Architecture.Llama);
        var snapshot = CacheLayout(temp.Sub("cache"), "org/model", "rev1", source);
        var probes = ProbeLoader.Load(null, 16);
        var cpu = new ComputeOptions(CPU, ScalarType.Float32);
        var direct = FingerprintBuilder.Build(source, probes, cpu);
        var viaCache = FingerprintBuilder.Build(snapshot, probes, cpu);
        Assert.Equal(direct.Model.ContentHash, viaCache.Model.ContentHash);
        Assert.Equal(direct.Grams[Preprocessing.Standardized][1], viaCache.Grams[Preprocessing.Standardized][1]);
    }

    [Fact]
    public void LinksAreFollowedOnlyInsideTheHubAndLoopsAreReportedNotWalked()
    {
        using var temp = new TempDirectory();
        var hub = temp.Sub("hub");
        TestModels.Write(Path.Combine(hub, "good"), Architecture.Llama);
        var outside = TestModels.Write(temp.Sub("outside"), Architecture.Llama, seed: 3);
        Directory.CreateSymbolicLink(Path.Combine(hub, "loop"), ".");                 // loop -> the hub itself
        Directory.CreateSymbolicLink(Path.Combine(hub, "elsewhere"), outside);         // a folder out of the hub
        Directory.CreateSymbolicLink(Path.Combine(hub, "good-again"), "good");         // a second way to a checkpoint
        var leaky = TestModels.Write(Path.Combine(hub, "leaky"), Architecture.Llama, seed: 4);
        var weights = Directory.GetFiles(leaky, "*.safetensors").Single();
        File.Delete(weights);
        File.CreateSymbolicLink(weights, Directory.GetFiles(outside, "*.safetensors").Single()); // a weight file out of the hub

        var listing = HubDiscovery.Find(hub);
        Assert.Equal(["good", "leaky"], listing.Models.Select(m => m.Id));
        Assert.Null(listing.Models[0].Problem);
        Assert.Contains("links outside the hub", listing.Models[1].Problem);
        Assert.Contains(weights, listing.Models[1].Problem);
        var skipped = listing.Skipped.ToDictionary(k => Path.GetFileName(k.Path), k => k.Reason);
        Assert.Equal(["elsewhere", "good-again", "loop"], skipped.Keys.Order());
        Assert.Contains("link loop", skipped["loop"]);
        Assert.Contains("out of the hub", skipped["elsewhere"]);
        Assert.Contains("second way", skipped["good-again"]);
    }

    [Fact]
    public void MissingHubIsBadInput() =>
        Assert.Throws<InvalidInputException>(() => HubDiscovery.Find("/no/such/hub"));
}
