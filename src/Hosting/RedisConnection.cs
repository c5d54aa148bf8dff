using StackExchange.Redis;

namespace Reef.Hosting;

/// <summary>
/// How silos and clients connect to Redis: a connection string without secrets (host:port and options), the password
/// from the environment (<c>REEF_REDIS_PASSWORD</c>) or a file (a mounted Kubernetes Secret), never from a command line
/// where <c>ps</c> and the pod spec show it, and TLS on request.
/// </summary>
public static class RedisConnection
{
    /// <summary>The environment variable silos and clients read the password from.</summary>
    public const string PasswordVariable = "REEF_REDIS_PASSWORD";

    /// <param name="connection">StackExchange.Redis connection string, e.g. "redis:6379".</param>
    /// <param name="passwordFile">A file holding the password; else <see cref="PasswordVariable"/>; else whatever the string says.</param>
    /// <param name="tls">Connect over TLS.</param>
    public static ConfigurationOptions Options(string connection, string? passwordFile = null, bool tls = false)
    {
        var options = ConfigurationOptions.Parse(connection);
        var password = passwordFile != null ? ReadPassword(passwordFile) : Environment.GetEnvironmentVariable(PasswordVariable);
        if (!string.IsNullOrEmpty(password)) options.Password = password;
        if (tls) options.Ssl = true;
        return options;
    }

    static string ReadPassword(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: the Redis password file does not exist");
        return File.ReadAllText(path).TrimEnd('\n', '\r');
    }
}
