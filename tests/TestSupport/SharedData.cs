namespace Reef.TestSupport;

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
            var shared = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared"));
            return Directory.Exists(Path.Combine(shared, "fixtures")) ? shared : Path.Combine(Repository.Root, "tests", "data");
        }
    }

    /// <summary>The repository's own test data (tests/data): files only this project uses.</summary>
    public static string Tests => Path.Combine(Repository.Root, "tests", "data");
}
