using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Reef.Engine.Models;
using Reef.Engine.Store;
using Reef.Hosting;
using StackExchange.Redis;

namespace Reef.Client.Scanning;

/// <summary>
/// The client's way into a cluster. With a Redis connection string: a cluster client (membership and the
/// store in Redis). Without: embedded mode, a silo in this process with its state under a local folder, or,
/// when another reef process already hosts one for that folder, a client of that process's silo.
/// </summary>
public sealed class ReefConnection : IAsyncDisposable
{
    const string EndpointFileName = "embedded.json";

    readonly IHost _host;
    readonly string? _endpointFile;

    ReefConnection(IHost host, IBlobStore store, string description, string? endpointFile)
    {
        _host = host;
        Store = store;
        Description = description;
        _endpointFile = endpointFile;
    }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public IBlobStore Store { get; }

    public string Description { get; }

    sealed record EmbeddedEndpoint(int ProcessId, int GatewayPort);

    /// <param name="redis">The cluster's Redis; null for embedded mode.</param>
    /// <param name="stateDirectory">Embedded mode's state.</param>
    /// <param name="log">Where warnings go.</param>
    /// <param name="blobFolder">With <paramref name="redis"/>: the shared folder of the store's values, as the silos have it.</param>
    /// <param name="maxMemory">Embedded mode: the embedded silo's memory budget for a model's weights (its Reef:MaxMemory); null: the default.</param>
    public static async Task<ReefConnection> OpenAsync(ConfigurationOptions? redis, string stateDirectory, TextWriter log, string? blobFolder = null,
        string? maxMemory = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Silo and client logs go to stderr, warnings and up, so stdout stays the command's output (--json).
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TextWriterLoggerProvider(log));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft", LogLevel.Error);

        if (redis != null)
        {
            var options = redis;
            builder.UseOrleansClient(client =>
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = options);
                client.Configure<ClusterOptions>(o => { o.ClusterId = ReefSiloOptions.DefaultClusterId; o.ServiceId = ReefSiloOptions.DefaultServiceId; });
            });
            var host = builder.Build();
            await host.StartAsync();
            IBlobStore clusterStore = new RedisBlobStore(await ConnectionMultiplexer.ConnectAsync(options));
            if (blobFolder != null) clusterStore = new SharedFolderBlobStore(new FolderBlobStore(blobFolder), clusterStore);
            return new ReefConnection(host, clusterStore, $"cluster (redis {options.EndPoints.FirstOrDefault()}{(blobFolder != null ? $", values in {blobFolder}" : "")})", null);
        }

        Directory.CreateDirectory(stateDirectory);
        var store = new FolderBlobStore(Path.Combine(stateDirectory, "store"));
        var endpointFile = Path.Combine(stateDirectory, EndpointFileName);
        if (RunningEmbeddedSilo(endpointFile) is { } running)
        {
            builder.UseOrleansClient(client => client.UseLocalhostClustering(running.GatewayPort, ReefSiloOptions.DefaultServiceId, ReefSiloOptions.DefaultClusterId));
            var host = builder.Build();
            await host.StartAsync();
            return new ReefConnection(host, store, $"embedded silo of process {running.ProcessId} ({stateDirectory})", null);
        }

        var gatewayPort = FreePort();
        builder.UseOrleans(silo => silo.UseReef(new ReefSiloOptions
        {
            Clustering = "localhost", StateDirectory = stateDirectory, SiloPort = FreePort(), GatewayPort = gatewayPort,
            // The embedded silo is its own accelerator silo: one extraction at a time on the CPU, or one per GPU.
            Accelerators = Math.Max(1, ComputeOptions.CudaDevices), MaxMemory = maxMemory,
        }));
        var embedded = builder.Build();
        await embedded.StartAsync();
        File.WriteAllText(endpointFile, JsonSerializer.Serialize(new EmbeddedEndpoint(Environment.ProcessId, gatewayPort)));
        return new ReefConnection(embedded, store, $"embedded ({stateDirectory})", endpointFile);
    }

    static EmbeddedEndpoint? RunningEmbeddedSilo(string endpointFile)
    {
        if (!File.Exists(endpointFile)) return null;
        try
        {
            var endpoint = JsonSerializer.Deserialize<EmbeddedEndpoint>(File.ReadAllText(endpointFile));
            if (endpoint == null || endpoint.ProcessId == Environment.ProcessId) return null;
            using var process = Process.GetProcessById(endpoint.ProcessId);
            return process.HasExited ? null : endpoint;
        }
        catch (Exception e) when (e is ArgumentException or JsonException or IOException) { return null; }
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_endpointFile != null) File.Delete(_endpointFile);
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
