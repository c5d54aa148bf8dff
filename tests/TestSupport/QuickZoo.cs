using Reef.Engine.Lab.Training;
using Reef.Engine.Lab.Zoo;

namespace Reef.TestSupport;

/// <summary>The quick zoo, built once (about 3 minutes) for the tests that need a hub of trained models and derivatives.</summary>
public sealed class QuickZoo : IDisposable
{
    readonly TempDirectory _temp = new();

    public QuickZoo()
    {
        var corpora = Path.Combine(Repository.Root, ".reef", "corpora");
        Assert.True(File.Exists(Path.Combine(corpora, "scripture.txt")), $"corpora missing in {corpora}: run scripts/corpora.sh (scripts/test.sh does)");
        // For the developers' loop: start from a copy of a zoo built before (`reef zoo --size quick`); the build below resumes
        // it, so a complete one costs nothing and a stale one is finished.
        if (Environment.GetEnvironmentVariable("REEF_QUICK_ZOO_FROM") is { Length: > 0 } from) CopyTree(from, Hub);
        ZooBuilder.Build(Hub, ZooPlan.For(ModelSize.Quick, 1), 1, corpora, _ => { }, _ => new Engine.SyncProgress<Engine.ProgressUpdate>(_ => { }));
    }

    public string Hub => _temp.Sub("zoo");

    static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public string Sub(string name) => _temp.Sub(name);

    public void Dispose() => _temp.Dispose();
}
