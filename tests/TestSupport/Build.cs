namespace Reef.TestSupport;

/// <summary>Where this build put the silo and client programs (same configuration as the tests).</summary>
public static class Build
{
    /// <summary>src/PROJECT/bin/CONFIGURATION/net10.0/FILE of the repository these tests were built from.</summary>
    public static string Output(string project, string file)
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var path = Path.Combine(Repository.Root, "src", project, "bin", configuration, framework.Name, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build the solution first", path);
    }
}
