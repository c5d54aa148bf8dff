namespace Reef.Engine.Tests;

/// <summary>Finds the team's shared data (../shared from the repository root).</summary>
public static class SharedData
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "fixtures"))) return candidate;
                if (File.Exists(Path.Combine(dir.FullName, "ReefCluster.sln")) && Directory.Exists(Path.Combine(dir.FullName, "..", "shared")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
            throw new DirectoryNotFoundException("shared/ (fixtures and probes) not found beside the repository");
        }
    }
}
