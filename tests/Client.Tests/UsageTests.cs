namespace Reef.Client.Tests;

public class UsageTests
{
    [Theory]
    [InlineData("compare", "only-one-argument")]
    [InlineData("fingerprint", "x", "--no-such-option")]
    [InlineData("compare", "a", "b", "--kernel", "cosine")]
    [InlineData("no-such-command")]
    [InlineData("activations", "x")]
    public void BadUsageExitsTwo(params string[] args)
    {
        var result = Cli.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("reef:", result.Error);
    }

    [Fact]
    public void HelpListsTheCommands()
    {
        var result = Cli.Run("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "activations", "fingerprint", "compare", "demo" }) Assert.Contains(command, result.Out);
    }

    [Fact]
    public void MissingModelIsBadInput()
    {
        var result = Cli.Run("fingerprint", "/no/such/folder");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("/no/such/folder", result.Error);
    }
}
