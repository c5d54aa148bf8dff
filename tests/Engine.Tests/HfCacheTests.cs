using Reef.Engine.Hubs;
using Architecture = Reef.Engine.Models.Architecture;

namespace Reef.Engine.Tests;

/// <summary>Model ids resolve in Hugging Face's cache layout as huggingface_hub resolves them, offline, and refuse clearly.</summary>
public class HfCacheTests
{
    const string First = "0123456789abcdef0123456789abcdef01234567";
    const string Second = "89abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void IdsResolveThroughRefsAndCommits()
    {
        using var temp = new TempDirectory();
        var cache = temp.Sub("hub");
        var model = TestModels.Write(temp.Sub("model"), Architecture.Llama);
        var main = HfCacheLayout.Add(cache, "org/model", First, model);
        var tagged = HfCacheLayout.Add(cache, "org/model", Second, model, branch: "v2");

        Assert.Equal(main, HfCache.Resolve("org/model", cache));
        Assert.Equal(main, HfCache.Resolve("org/model@main", cache));
        Assert.Equal(tagged, HfCache.Resolve("org/model@v2", cache));
        Assert.Equal(tagged, HfCache.Resolve($"org/model@{Second}", cache));
    }

    [Fact]
    public void WhatIsNotCachedIsRefusedSayingHowToGetIt()
    {
        using var temp = new TempDirectory();
        var cache = temp.Sub("hub");
        HfCacheLayout.Add(cache, "org/model", First, TestModels.Write(temp.Sub("model"), Architecture.Llama));

        var missing = Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/other", cache));
        Assert.Contains("not in the Hugging Face cache", missing.Message);
        Assert.Contains("huggingface-cli download org/other", missing.Message);
        var revision = Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/model@v9", cache));
        Assert.Contains($"revision 'v9' is not in the Hugging Face cache (cached: {First})", revision.Message);
        Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/model@../../etc", cache));

        // A ref file written by a stranger names a commit, or nothing.
        File.WriteAllText(Path.Combine(cache, "models--org--model", "refs", "main"), "../../../../etc");
        var bad = Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/model", cache));
        Assert.Contains("does not hold a commit hash", bad.Message);
    }

    [Fact]
    public void TheCacheIsFoundAsHuggingfaceHubFindsIt()
    {
        var environment = new Dictionary<string, string?> { ["HF_HUB_CACHE"] = "/a/hub-cache", ["HF_HOME"] = "/b/home", ["XDG_CACHE_HOME"] = "/c" };
        Assert.Equal("/a/hub-cache", HfCache.DefaultDirectory(k => environment.GetValueOrDefault(k)));
        environment["HF_HUB_CACHE"] = null;
        Assert.Equal("/b/home/hub", HfCache.DefaultDirectory(k => environment.GetValueOrDefault(k)));
        environment["HF_HOME"] = null;
        Assert.Equal("/c/huggingface/hub", HfCache.DefaultDirectory(k => environment.GetValueOrDefault(k)));
    }

    [Fact]
    public void PathsThatExistAreNeverTakenForIds()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Sub("org/model"));
        Assert.True(HfCache.IsModelId("meta-llama/Llama-2-7b-hf@main"));
        Assert.False(HfCache.IsModelId("/abs/path"));
        Assert.False(HfCache.IsModelId("model.reef"));
        Assert.False(HfCache.IsModelId(temp.Sub("org/model")));
    }

    [Fact]
    public void GgufRepositoriesResolveToTheirFileByIdByNameAndByTheScansId()
    {
        using var temp = new TempDirectory();
        var cache = temp.Sub("hub");
        var gguf = temp.Sub("model.gguf");
        File.WriteAllBytes(gguf, [0x47, 0x47, 0x55, 0x46]);
        var one = HfCacheLayout.Add(cache, "org/one", First, gguf);
        Assert.Equal(Path.Combine(one, "model.gguf"), HfCache.Resolve("org/one", cache));
        var two = HfCacheLayout.Add(cache, "org/two", First, gguf);
        File.Copy(gguf, Path.Combine(two, "model-q8.gguf"));
        var several = Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/two", cache));
        Assert.Contains("holds 2 GGUF files (model-q8.gguf, model.gguf): name one, as org/two:model-q8.gguf", several.Reason);
        Assert.Equal(Path.Combine(two, "model.gguf"), HfCache.Resolve("org/two:model.gguf", cache));
        Assert.Equal(Path.Combine(two, "model-q8.gguf"), HfCache.Resolve($"org/two@{First}/model-q8.gguf", cache));
        Assert.Equal(Path.Combine(two, "model-q8.gguf"), HfCache.Resolve("org/two@main:model-q8.gguf", cache));
        Assert.Contains("has no file other.gguf", Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/two:other.gguf", cache)).Reason);
        Assert.True(HfCache.IsModelId($"org/two@{First}/model-q8.gguf"));
        Assert.True(HfCache.IsModelId("org/two:model-q8.gguf"));
        Assert.False(HfCache.IsModelId("org/two:../x.gguf"));
    }

    [Fact]
    public void NothingInTheCacheMayLeadOutOfItAndNothingReadOutsideIsShown()
    {
        using var temp = new TempDirectory();
        var cache = temp.Sub("hub");
        var model = TestModels.Write(temp.Sub("model"), Architecture.Llama);
        var snapshot = HfCacheLayout.Add(cache, "org/model", First, model);
        File.WriteAllText(temp.Sub("secret"), "hunter2");

        var refs = Path.Combine(cache, "models--org--model", "refs", "main");
        File.Delete(refs);
        File.CreateSymbolicLink(refs, temp.Sub("secret"));
        var linked = Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/model", cache));
        Assert.Contains("links outside the Hugging Face cache", linked.Reason);
        File.Delete(refs);
        File.WriteAllText(refs, "hunter2");
        Assert.DoesNotContain("hunter2", Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/model", cache)).Message);
        File.WriteAllText(refs, First);

        var config = Path.Combine(snapshot, "config.json");
        File.Delete(config);
        File.CreateSymbolicLink(config, Path.Combine(model, "config.json"));
        var file = Assert.Throws<InvalidInputException>(() => HfCache.Resolve("org/model", cache));
        Assert.Contains("links outside the Hugging Face cache", file.Reason);
    }
}
