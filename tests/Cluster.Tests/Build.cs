namespace Reef.Cluster.Tests;

/// <summary>Where this build put the silo and client programs (same configuration as the tests).</summary>
public static class Build
{
    static readonly string TestOutput = AppContext.BaseDirectory;

    /// <summary>src/PROJECT/bin/CONFIGURATION/net10.0/FILE of the repository these tests were built from.</summary>
    public static string Output(string project, string file)
    {
        var framework = new DirectoryInfo(TestOutput.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var root = framework;
        while (root != null && !File.Exists(Path.Combine(root.FullName, "ReefCluster.sln"))) root = root.Parent;
        if (root == null) throw new InvalidOperationException($"no ReefCluster.sln above {TestOutput}");
        var path = Path.Combine(root.FullName, "src", project, "bin", configuration, framework.Name, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build the solution first", path);
    }
}
