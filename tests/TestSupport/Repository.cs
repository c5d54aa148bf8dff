namespace Reef.TestSupport;

/// <summary>The repository these tests and benchmarks were built from: its root (where ReefCluster.sln is).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReefCluster.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (ReefCluster.sln) not found above " + AppContext.BaseDirectory);
    }
}
