using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using Reef.Engine.Training;
using Reef.Engine.Tests;
using Reef.Engine.Zoo;

namespace Reef.Client.Tests;

/// <summary>
/// The quick zoo end to end (about 4 minutes): every light derivative scores above every unrelated pair, at
/// REEF's layer and at the best layer pair (rotate under centered CKA), and the twin trained on the same
/// corpus with another seed is not judged derived. Needs the corpora of scripts/corpora.sh.
/// </summary>
public class QuickZooTests
{
    [Fact]
    public void LightDerivativesSeparateFromUnrelatedModels()
    {
        var corpora = Path.Combine(RepositoryRoot(), ".reef", "corpora");
        Assert.True(File.Exists(Path.Combine(corpora, "scripture.txt")), $"corpora missing in {corpora}: run scripts/corpora.sh (scripts/test.sh does)");
        using var temp = new TempDirectory();
        var log = new List<string>();
        ZooBuilder.Build(temp.Path, ZooPlan.For(ModelSize.Quick, 1), 1, corpora, log.Add, _ => new Reef.Engine.SyncProgress<Reef.Engine.ProgressUpdate>(_ => { }));
        var truth = ZooBuilder.ReadLineage(temp.Path);
        Assert.Equal(ZooPlan.For(ModelSize.Quick, 1).Models().Count(), truth.Count);
        Assert.Contains(truth, m => m.Strength == Strength.Heavy && m.SecondParent != null);

        var report = ZooReport.Evaluate(temp.Path, ProbeLoader.Load(null, 200), ComputeOptions.Default,
            _ => new Reef.Engine.SyncProgress<Reef.Engine.ProgressUpdate>(_ => { }));
        foreach (var separation in report.Separations)
            Assert.True(separation.Holds, $"{separation.Summary}: light {separation.LowestLight:F3} ({separation.LowestLightModel}) vs unrelated " +
                                          $"{separation.HighestUnrelated:F3} ({separation.HighestUnrelatedPair})");
        Assert.NotEqual(Verdict.Derived, report.SameSeedVerdict);
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReefCluster.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (ReefCluster.sln) not found");
    }
}
