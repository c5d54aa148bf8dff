using Reef.Hosting;

namespace Reef.Cluster.Tests;

/// <summary>The Redis password reaches silos and clients from a file or the environment, never a command line; TLS on request.</summary>
public sealed class RedisConnectionTests
{
    [Fact]
    public void ThePasswordComesFromAFileOrTheEnvironmentAndTlsOnRequest()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Sub("password"), "from-the-file\n");
        var fromFile = RedisConnection.Options("redis:6379", temp.Sub("password"), tls: true);
        Assert.Equal("from-the-file", fromFile.Password);
        Assert.True(fromFile.Ssl);
        Assert.Equal("redis:6379", fromFile.EndPoints.Single().ToString()!.Replace("Unspecified/", ""));

        var before = Environment.GetEnvironmentVariable(RedisConnection.PasswordVariable);
        try
        {
            Environment.SetEnvironmentVariable(RedisConnection.PasswordVariable, "from-the-environment");
            var fromEnvironment = RedisConnection.Options("redis:6379");
            Assert.Equal("from-the-environment", fromEnvironment.Password);
            Assert.False(fromEnvironment.Ssl);
        }
        finally { Environment.SetEnvironmentVariable(RedisConnection.PasswordVariable, before); }

        Assert.Throws<ArgumentException>(() => RedisConnection.Options("redis:6379", temp.Sub("no-such-file")));
    }
}
