namespace Reef.Engine.Tests;

/// <summary>
/// Finds the team's shared data: <c>../shared</c> beside the repository when it is there, else the copy in
/// <c>tests/data</c> (so a clone anywhere runs the whole suite).
/// </summary>
public static class SharedData
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "ReefCluster.sln"))) continue;
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                if (Directory.Exists(Path.Combine(shared, "fixtures"))) return shared;
                return Path.Combine(dir.FullName, "tests", "data");
            }
            throw new DirectoryNotFoundException("repository root (ReefCluster.sln) not found above " + AppContext.BaseDirectory);
        }
    }
}
