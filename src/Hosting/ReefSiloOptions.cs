namespace Reef.Hosting;

/// <summary>
/// A silo's settings, section "Reef" of appsettings.json, REEF_* environment variables (REEF_Redis,
/// REEF_Accelerators, ...) or the command line (--Reef:Redis=...).
/// </summary>
public sealed class ReefSiloOptions
{
    public const string Section = "Reef";

    /// <summary>"localhost" (one machine, state in <see cref="StateDirectory"/>) or "redis" (cluster: membership, grain state and fingerprints in Redis).</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>StackExchange.Redis connection string, e.g. "redis:6379". Required for redis clustering. The password comes from
    /// <c>REEF_REDIS_PASSWORD</c> or <see cref="RedisPasswordFile"/>, never from the command line.</summary>
    public string? Redis { get; set; }

    /// <summary>A file holding the Redis password (a mounted Secret); else the environment's REEF_REDIS_PASSWORD.</summary>
    public string? RedisPasswordFile { get; set; }

    /// <summary>Connect to Redis over TLS.</summary>
    public bool RedisTls { get; set; }

    /// <summary>
    /// With redis clustering: a folder every silo and the client mount, where the store's values go instead of Redis'
    /// memory (<see cref="SharedFolderBlobStore"/>). Null: values in Redis, for hubs of a few hundred models.
    /// </summary>
    public string? BlobFolder { get; set; }

    /// <summary>Accelerators this silo runs extractions on; 0 makes it a CPU silo (comparisons and tiles only). Null: CUDA devices seen.</summary>
    public int? Accelerators { get; set; }

    /// <summary>
    /// Most memory a model's weights may take loaded whole on this silo (2GiB, 16G, ...); a larger model is streamed block by
    /// block. Null: half of the container's or machine's memory.
    /// </summary>
    public string? MaxMemory { get; set; }

    /// <summary><see cref="MaxMemory"/> in bytes; null for the default.</summary>
    public long? MaxMemoryBytes => MaxMemory is { Length: > 0 } m ? Engine.Models.MemoryBudget.Parse(m) : null;

    /// <summary>Where localhost clustering keeps grain state and the fingerprint store.</summary>
    public string StateDirectory { get; set; } = DefaultStateDirectory;

    /// <summary>The cluster and service ids of every ReefCluster silo unless configured otherwise; clients use them.</summary>
    public const string DefaultClusterId = "reef";
    public const string DefaultServiceId = "reef";

    public string ClusterId { get; set; } = DefaultClusterId;
    public string ServiceId { get; set; } = DefaultServiceId;
    public string? SiloName { get; set; }
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>HTTP port of /healthz and /metrics (<see cref="SiloEndpoints"/>); 0 binds a random loopback port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>$REEF_HOME, else ~/.cache/reef (beside Hugging Face's ~/.cache/huggingface).</summary>
    public static string DefaultStateDirectory =>
        Environment.GetEnvironmentVariable("REEF_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "reef");

    public void Validate()
    {
        if (Clustering is not ("localhost" or "redis")) throw new ArgumentException($"Reef:Clustering must be localhost or redis, not '{Clustering}'");
        if (Clustering == "redis" && string.IsNullOrWhiteSpace(Redis)) throw new ArgumentException("Reef:Clustering=redis needs Reef:Redis (a Redis connection string)");
        if (Accelerators < 0) throw new ArgumentException("Reef:Accelerators must be 0 or more");
        try { _ = MaxMemoryBytes; }
        catch (ArgumentException e) { throw new ArgumentException($"Reef:MaxMemory: {e.Message}"); }
        if (BlobFolder != null && Clustering != "redis") throw new ArgumentException("Reef:BlobFolder is for Reef:Clustering=redis (embedded mode keeps its store under its state folder)");
    }
}
