using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Reef.Client.Scanning;
using Reef.Hosting;
using StackExchange.Redis;

namespace Reef.TestSupport;

/// <summary>
/// A real cluster on loopback: a redis-server (Debian's, installed by scripts/services.sh), silo processes and
/// reef client processes, all from this build's output, with logs under the test's folder.
/// </summary>
public sealed class LoopbackCluster : IDisposable
{
    readonly string _logs;
    Process _redis;
    readonly List<(string Name, Process Process)> _silos = [];
    readonly Dictionary<string, (int Silo, int Gateway, int Http)> _ports = new();

    /// <summary>
    /// Starts redis-server as a Kubernetes deployment runs it: a password (from a file, as a mounted Secret would give
    /// it; silos and clients get it in REEF_REDIS_PASSWORD, never in their arguments) and an append-only file, so that a
    /// restarted server keeps its data.
    /// </summary>
    public LoopbackCluster(string logs)
    {
        _logs = logs;
        Directory.CreateDirectory(logs);
        RedisPort = ReefConnection.FreePort();
        Password = Guid.NewGuid().ToString("N");
        var data = Directory.CreateDirectory(Path.Combine(logs, "redis-data")).FullName;
        File.WriteAllText(Path.Combine(logs, "redis.conf"),
            $"port {RedisPort}\nbind 127.0.0.1\nrequirepass {Password}\nsave \"\"\nappendonly yes\nappendfsync always\ndir {data}\n");
        _redis = StartRedis();
    }

    public int RedisPort { get; }

    /// <summary>A shared folder the silos keep the store's values in (Reef:BlobFolder), set before they start; null: values in Redis.</summary>
    public string? BlobFolder { get; init; }

    /// <summary>Redis' address, for --cluster and --Reef:Redis (the password travels in <see cref="Environment"/>).</summary>
    public string Redis => $"127.0.0.1:{RedisPort}";

    public string Password { get; }

    /// <summary>What every silo and client process of this cluster gets in its environment: the Redis password.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { [RedisConnection.PasswordVariable] = Password };

    /// <summary>Options for a connection from the test process itself.</summary>
    public ConfigurationOptions RedisOptions
    {
        get
        {
            var options = ConfigurationOptions.Parse(Redis);
            options.Password = Password;
            return options;
        }
    }

    Process StartRedis()
    {
        var redis = Start("redis-server", [Path.Combine(_logs, "redis.conf")], "redis");
        WaitUntil(() => TryConnect(RedisPort), TimeSpan.FromSeconds(20), "redis-server did not start (is it installed? scripts/services.sh installs it)");
        return redis;
    }

    /// <summary>SIGKILL to redis-server, as a crashed or evicted Redis pod.</summary>
    public void KillRedis()
    {
        _redis.Kill(entireProcessTree: true);
        _redis.WaitForExit();
    }

    /// <summary>redis-server again on the same port, with the data it had (its append-only file).</summary>
    public void RestartRedis() => _redis = StartRedis();

    /// <summary>
    /// Starts silo processes together, as (name, accelerators), and waits until each one's /healthz says it is
    /// active. A restarted silo keeps its name's ports, as a restarted machine keeps its address: Orleans then
    /// retires the dead predecessor at once instead of probing it.
    /// </summary>
    public void StartSilos(params (string Name, int Accelerators)[] silos)
    {
        var started = silos.Select(s => (s.Name, Http: Launch(s.Name, s.Accelerators))).ToList();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var (name, http) in started)
        {
            var process = _silos.Single(s => s.Name == name).Process;
            WaitUntil(() =>
            {
                if (process.HasExited) throw new InvalidOperationException($"silo {name} exited with {process.ExitCode}: {Log(name)}");
                try { return client.GetAsync($"http://127.0.0.1:{http}/healthz").Result.IsSuccessStatusCode; }
                catch (AggregateException) { return false; }
            }, TimeSpan.FromSeconds(120), $"silo {name} did not become healthy: {Log(name)}");
        }
    }

    int Launch(string name, int accelerators)
    {
        if (!_ports.TryGetValue(name, out var ports)) ports = (ReefConnection.FreePort(), ReefConnection.FreePort(), ReefConnection.FreePort());
        // A killed silo's ports return to the kernel's ephemeral range, where another process's outgoing connection may
        // take one before the restart: a port no longer free is replaced (Orleans then retires the dead silo by probing).
        ports = (Free(ports.Silo), Free(ports.Gateway), Free(ports.Http));
        _ports[name] = ports;
        var process = Start("dotnet", [Build.Output("Silo", "reef-silo.dll"),
            "--Reef:Clustering=redis", $"--Reef:Redis={Redis}", $"--Reef:Accelerators={accelerators}", $"--Reef:SiloName={name}",
            $"--Reef:SiloPort={ports.Silo}", $"--Reef:GatewayPort={ports.Gateway}", $"--Reef:HttpPort={ports.Http}",
            // Declare a killed silo dead within seconds rather than the production default's half minute.
            "--Orleans:Membership:ProbeTimeout=00:00:02", "--Orleans:Membership:NumMissedProbesLimit=2",
            "--Orleans:Membership:TableRefreshTimeout=00:00:02", .. BlobFolder != null ? [$"--Reef:BlobFolder={BlobFolder}"] : Array.Empty<string>()], name);
        _silos.Add((name, process));
        return ports.Http;
    }

    /// <summary><paramref name="port"/> where it can be bound on every address (as the silo binds it), else a fresh free port.</summary>
    static int Free(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            listener.Stop();
            return port;
        }
        catch (SocketException) { return ReefConnection.FreePort(); }
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public void Kill(string name)
    {
        var silo = _silos.Single(s => s.Name == name);
        silo.Process.Kill(entireProcessTree: true);
        silo.Process.WaitForExit();
        _silos.Remove(silo);
    }

    public void KillAllSilos()
    {
        foreach (var (name, _) in _silos.ToList()) Kill(name);
    }

    /// <summary>Starts <c>reef ARGS</c> as its own process (stdout and stderr to logs/NAME.out and .log).</summary>
    public Process StartClient(string name, params string[] args) => Start("dotnet", [Build.Output("Client", "reef.dll"), .. args], name);

    Process Start(string file, string[] args, string name) => LoggedProcess.Start(file, args, _logs, name, Environment);

    public string Output(string name) => File.ReadAllText(Path.Combine(_logs, name + ".out"));

    public string Log(string name) => LoggedProcess.Log(_logs, name);

    /// <summary>The port of a started silo's HTTP endpoint (/healthz, /metrics).</summary>
    public int HttpPort(string silo) => _ports[silo].Http;

    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string message)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(message);
            Thread.Sleep(200);
        }
    }

    public static bool TryConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        KillAllSilos();
        if (!_redis.HasExited) _redis.Kill(entireProcessTree: true);
        _redis.WaitForExit();
    }
}
