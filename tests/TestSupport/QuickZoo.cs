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
        ZooBuilder.Build(Hub, ZooPlan.For(ModelSize.Quick, 1), 1, corpora, _ => { }, _ => new Engine.SyncProgress<Engine.ProgressUpdate>(_ => { }));
    }

    public string Hub => _temp.Sub("zoo");

    public string Sub(string name) => _temp.Sub(name);

    public void Dispose() => _temp.Dispose();
}
