using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Persistence.FileStorage;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Reef.Engine.Models;
using Reef.Engine.Store;
using Reef.Grains;
using Reef.Grains.Placement;
using Reef.Grains.Telemetry;
using StackExchange.Redis;

namespace Reef.Hosting;

/// <summary>
/// Everything a ReefCluster silo is, for the silo process and for the client's embedded mode alike:
/// clustering, grain storage, the fingerprint store, accelerator metadata and the placement filter that reads it.
/// </summary>
public static class ReefSilo
{
    public const string StorageName = "reef";

    public static ISiloBuilder UseReef(this ISiloBuilder silo, ReefSiloOptions options, IConfiguration? configuration = null)
    {
        options.Validate();
        // Checked here, where the silo starts, not in Validate: a manifest is validated where its volumes are not mounted.
        if (options.BlobFolder != null && !Directory.Exists(options.BlobFolder))
            throw new ArgumentException($"Reef:BlobFolder {options.BlobFolder} does not exist (mount the shared volume there)");
        silo.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
        if (options.SiloName != null) silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);
        if (configuration?.GetSection("Orleans:Membership") is { } membership && membership.Exists())
            silo.Services.Configure<ClusterMembershipOptions>(membership);

        if (options.Clustering == "redis")
        {
            var redis = RedisConnection.Options(options.Redis!, options.RedisPasswordFile, options.RedisTls);
            silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
            silo.AddRedisGrainStorage(StorageName, o => o.ConfigurationOptions = redis);
            silo.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            if (options.BlobFolder is { } folder)
                silo.Services.AddSingleton<IBlobStore>(services =>
                    new SharedFolderBlobStore(new FolderBlobStore(folder), new RedisBlobStore(services.GetRequiredService<IConnectionMultiplexer>())));
            else silo.Services.AddSingleton<IBlobStore, RedisBlobStore>();
            silo.ConfigureEndpoints(AdvertisedAddress(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            silo.AddFileGrainStorage(StorageName, o => o.RootDirectory = Path.Combine(options.StateDirectory, "grains"));
            silo.Services.AddSingleton<IBlobStore>(_ => new FolderBlobStore(Path.Combine(options.StateDirectory, "store")));
        }

        if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") != null && Environment.GetEnvironmentVariable("POD_NAME") != null)
            silo.UseKubernetesHosting();

        return silo.AddReefGrains(options.Accelerators ?? ComputeOptions.CudaDevices, options.MaxMemoryBytes);
    }

    /// <summary>
    /// What every ReefCluster silo needs whatever its clustering: accelerator metadata (declared only when it has
    /// accelerators), the placement filter that reads it, and the silo's work capacity. Test clusters call this directly.
    /// </summary>
    public static ISiloBuilder AddReefGrains(this ISiloBuilder silo, int accelerators, long? maxMemoryBytes = null)
    {
        silo.UseSiloMetadata(accelerators > 0
            ? new Dictionary<string, string> { [AcceleratorMetadata.Key] = ComputeOptions.CudaDevices > 0 ? $"cuda:{accelerators}" : $"cpu:{accelerators}" }
            : new Dictionary<string, string>());
        silo.Services.AddPlacementFilter<AcceleratorPlacementFilterStrategy, AcceleratorPlacementFilterDirector>(ServiceLifetime.Singleton);
        silo.Services.AddSingleton(new SiloCapacity(accelerators) { MaxMemoryBytes = maxMemoryBytes });
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<ReefMetrics>();
        return silo;
    }

    /// <summary>The address other silos reach this one at: POD_IP in Kubernetes, else loopback.</summary>
    static IPAddress AdvertisedAddress() =>
        Environment.GetEnvironmentVariable("POD_IP") is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
}
