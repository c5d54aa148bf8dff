using System.CommandLine;
using Reef.Hosting;

namespace Reef.Client.Scanning;

/// <summary>The options that say which cluster a command talks to: embedded (default) or a Redis-backed one.</summary>
public sealed class ConnectionOptions
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = $"Redis of a ReefCluster (e.g. localhost:6379); the password from ${RedisConnection.PasswordVariable} or --redis-password-file. Default: embedded mode, no servers.",
    };

    public Option<string?> RedisPasswordFile { get; } = new("--redis-password-file")
    {
        Description = $"A file holding the Redis password (a mounted Secret); else ${RedisConnection.PasswordVariable}.",
    };

    public Option<bool> RedisTls { get; } = new("--redis-tls") { Description = "Connect to Redis over TLS." };

    public Option<string?> BlobFolder { get; } = new("--blob-folder")
    {
        Description = "With --cluster: the shared folder the silos keep the store's values in (their Reef:BlobFolder, mounted here too); " +
                      "without it, values live in Redis.",
    };

    public Option<string> State { get; } = new("--state")
    {
        Description = "Embedded mode's folder for grain state and stored fingerprints ($REEF_HOME, else ~/.cache/reef).",
        DefaultValueFactory = _ => ReefSiloOptions.DefaultStateDirectory,
    };

    public Option<string?> MaxMemory { get; } = new("--max-memory")
    {
        Description = "Embedded mode: most memory a model's weights may take loaded whole (e.g. 8GiB); a larger model is streamed block by " +
                      "block, with the same result. Default: half of this machine's (or container's) memory. Cluster silos: Reef:MaxMemory.",
    };

    public Option<string> Registry { get; } = new("--registry")
    {
        Description = "Registry the models belong to.", DefaultValueFactory = _ => "default",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(RedisPasswordFile);
        command.Options.Add(RedisTls);
        command.Options.Add(BlobFolder);
        command.Options.Add(State);
        command.Options.Add(MaxMemory);
        command.Options.Add(Registry);
    }

    public Task<ReefConnection> OpenAsync(ParseResult parse, CliContext context)
    {
        // A size that does not parse is bad usage, said before anything starts.
        if (parse.GetValue(MaxMemory) is { } size) Engine.Models.MemoryBudget.Parse(size);
        return ReefConnection.OpenAsync(parse.GetValue(Cluster) is { } cluster ? RedisConnection.Options(cluster, parse.GetValue(RedisPasswordFile), parse.GetValue(RedisTls)) : null,
            parse.GetValue(State)!, context.Error, parse.GetValue(BlobFolder), parse.GetValue(MaxMemory));
    }
}
