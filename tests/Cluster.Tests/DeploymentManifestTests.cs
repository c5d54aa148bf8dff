using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Reef.Client;
using Reef.Hosting;
using Reef.Silo;
using Xunit.Abstractions;

namespace Reef.Cluster.Tests;

/// <summary>
/// deploy/k8s, rendered by kustomize and validated offline against the Kubernetes API schemas
/// (scripts/validate-k8s.sh), then read as the silo and the client would read it: every REEF_* variable is a
/// silo setting and binds to a valid configuration; ports, probe and scrape paths, Orleans' labels and
/// variables, the Job's command line, the hub's mount and the RBAC rules match what the code uses.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class DeploymentManifestTests(ITestOutputHelper output)
{
    static readonly Lazy<IReadOnlyList<JsonElement>> Objects = new(Render);

    static IReadOnlyList<JsonElement> Render()
    {
        using var temp = new TempDirectory();
        var json = temp.Sub("rendered.json");
        RepositoryScript.Run("validate-k8s.sh", json);
        return JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    static IEnumerable<JsonElement> OfKind(string kind) => Objects.Value.Where(o => o.GetProperty("kind").GetString() == kind);

    static JsonElement Named(string kind, string name) => OfKind(kind).Single(o => o.GetProperty("metadata").GetProperty("name").GetString() == name);

    static JsonElement PodSpec(JsonElement workload) => workload.GetProperty("spec").GetProperty("template").GetProperty("spec");

    static Dictionary<string, string> Labels(JsonElement workload) =>
        workload.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);

    static IEnumerable<JsonElement> Items(JsonElement e, string name) => e.TryGetProperty(name, out var a) ? a.EnumerateArray() : [];

    /// <summary>A container's environment as the process sees it: ConfigMaps from envFrom, then env; $(VAR) expanded, secrets as placeholders.</summary>
    static Dictionary<string, string> Environment(JsonElement container)
    {
        var env = new Dictionary<string, string>();
        foreach (var from in Items(container, "envFrom"))
            foreach (var p in Named("ConfigMap", from.GetProperty("configMapRef").GetProperty("name").GetString()!).GetProperty("data").EnumerateObject())
                env[p.Name] = p.Value.GetString()!;
        foreach (var e in Items(container, "env"))
        {
            var name = e.GetProperty("name").GetString()!;
            env[name] = e.TryGetProperty("value", out var v)
                ? Regex.Replace(v.GetString()!, @"\$\((\w+)\)", m => env.TryGetValue(m.Groups[1].Value, out var x) ? x : throw new InvalidOperationException(
                    $"{name} uses $({m.Groups[1].Value}) before it is defined"))
                : e.GetProperty("valueFrom").TryGetProperty("fieldRef", out var f) ? "fieldRef:" + f.GetProperty("fieldPath").GetString() : "secret";
        }
        return env;
    }

    static IReadOnlyList<JsonElement> Silos => OfKind("Deployment").Where(d => Labels(d)["app.kubernetes.io/name"] == "reef-silo").ToList();

    [Fact]
    public void SiloWorkloadsConfigureWhatTheSiloReads()
    {
        Assert.Equal(2, Silos.Count);
        var settings = typeof(ReefSiloOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var silo in Silos)
        {
            var name = silo.GetProperty("metadata").GetProperty("name").GetString()!;
            var container = PodSpec(silo).GetProperty("containers").EnumerateArray().Single();
            var env = Environment(container);
            // The Redis password comes from the Secret into REEF_REDIS_PASSWORD, which silos read directly.
            Assert.Equal("secret", env[RedisConnection.PasswordVariable]);
            var reef = env.Where(e => e.Key.StartsWith("REEF_", StringComparison.Ordinal) && e.Key != RedisConnection.PasswordVariable)
                .ToDictionary(e => e.Key["REEF_".Length..], e => e.Value);
            Assert.All(reef.Keys, key => Assert.True(settings.Contains(key), $"{name}: REEF_{key} is not a silo setting"));

            // Bound as Program.cs binds REEF_* (prefix stripped), the settings are valid cluster settings.
            var options = new ReefSiloOptions();
            new ConfigurationBuilder().AddInMemoryCollection(reef!).Build().Bind(options);
            options.Validate();
            Assert.Equal("redis", options.Clustering);
            Assert.Equal("reef-redis:6379", options.Redis);
            var ports = Items(container, "ports").ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("containerPort").GetInt32());
            Assert.Equal(options.SiloPort, ports["silo"]);
            Assert.Equal(options.GatewayPort, ports["gateway"]);
            Assert.Equal(options.HttpPort, ports["http"]);
            foreach (var probe in new[] { "startupProbe", "readinessProbe" })
            {
                Assert.Equal(SiloEndpoints.Health, container.GetProperty(probe).GetProperty("httpGet").GetProperty("path").GetString());
                Assert.Equal("http", container.GetProperty(probe).GetProperty("httpGet").GetProperty("port").GetString());
            }
            var annotations = silo.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("annotations");
            Assert.Equal(SiloEndpoints.Metrics, annotations.GetProperty("prometheus.io/path").GetString());
            Assert.Equal(options.HttpPort.ToString(), annotations.GetProperty("prometheus.io/port").GetString());

            // Orleans' Kubernetes hosting: pod identity from the downward API, cluster identity from labels and variables that agree with the client's.
            Assert.Equal("fieldRef:metadata.name", env["POD_NAME"]);
            Assert.Equal("fieldRef:metadata.namespace", env["POD_NAMESPACE"]);
            Assert.Equal("fieldRef:status.podIP", env["POD_IP"]);
            var labels = Labels(silo);
            Assert.Equal(ReefSiloOptions.DefaultServiceId, labels["orleans/serviceId"]);
            Assert.Equal(ReefSiloOptions.DefaultClusterId, labels["orleans/clusterId"]);
            Assert.Equal(labels["orleans/serviceId"], env["ORLEANS_SERVICE_ID"]);
            Assert.Equal(labels["orleans/clusterId"], env["ORLEANS_CLUSTER_ID"]);
            Assert.Equal(options.ServiceId, env["ORLEANS_SERVICE_ID"]);
            Assert.Equal(options.ClusterId, env["ORLEANS_CLUSTER_ID"]);

            // Non-root with a read-only root: everything the silo writes is a mounted volume.
            AssertLockedDown(PodSpec(silo), container, name);
            var mounts = Items(container, "volumeMounts").ToDictionary(m => m.GetProperty("mountPath").GetString()!, m => m);
            Assert.True(mounts.ContainsKey(options.StateDirectory), $"{name}: the state directory {options.StateDirectory} is not a volume");
            Assert.True(mounts.ContainsKey("/tmp"), $"{name}: /tmp is not a volume");

            var limits = container.GetProperty("resources").GetProperty("limits");
            var gpus = limits.TryGetProperty("nvidia.com/gpu", out var g) ? g.ValueKind == JsonValueKind.Number ? g.GetInt32() : int.Parse(g.GetString()!) : 0;
            Assert.Equal(gpus, options.Accelerators);
            if (gpus > 0)
            {
                Assert.True(PodSpec(silo).GetProperty("nodeSelector").EnumerateObject().Any(), $"{name}: a GPU silo needs a node selector");
                Assert.Contains(Items(PodSpec(silo), "tolerations"), t => t.GetProperty("key").GetString() == "nvidia.com/gpu");
            }
            output.WriteLine($"{name}: accelerators {options.Accelerators}, ports {options.SiloPort}/{options.GatewayPort}/{options.HttpPort}");
        }
        Assert.Contains(Silos, s => Environment(PodSpec(s).GetProperty("containers")[0])["REEF_Accelerators"] != "0");
        Assert.Contains(Silos, s => Environment(PodSpec(s).GetProperty("containers")[0])["REEF_Accelerators"] == "0");
    }

    [Fact]
    public void ScanJobIsACommandLineReefAcceptsOverTheHubOnlyTheSilosMount()
    {
        var job = Named("Job", "reef-scan");
        var pod = PodSpec(job);
        var container = pod.GetProperty("containers").EnumerateArray().Single();
        AssertLockedDown(pod, container, "reef-scan");
        var env = Environment(container);
        var args = container.GetProperty("args").EnumerateArray()
            .Select(a => Regex.Replace(a.GetString()!, @"\$\((\w+)\)", m => env[m.Groups[1].Value])).ToArray();
        Assert.Equal("scan", args[0]);
        var parse = ReefCli.Create(new CliContext(TextWriter.Null, TextWriter.Null, false)).Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        Assert.Equal("reef-redis:6379", args[Array.IndexOf(args, "--cluster") + 1]);
        Assert.Equal("secret", env[RedisConnection.PasswordVariable]);

        // The Job names the hub; the silos list and read it: every silo mounts the same volume there, read-only, and the
        // Job does not mount it at all (it never opens a checkpoint).
        var hub = args[1];
        var hubClaim = Claim(PodSpec(Silos[0]), PodSpec(Silos[0]).GetProperty("containers")[0], hub, readOnly: true);
        foreach (var silo in Silos)
            Assert.Equal(hubClaim, Claim(PodSpec(silo), PodSpec(silo).GetProperty("containers")[0], hub, readOnly: true));
        Assert.DoesNotContain(Items(container, "volumeMounts"), m => m.GetProperty("mountPath").GetString() == hub);
        Assert.DoesNotContain(Items(pod, "volumes"), v => v.TryGetProperty("persistentVolumeClaim", out var c) && c.GetProperty("claimName").GetString() == hubClaim);
        var outDir = args[Array.IndexOf(args, "--out") + 1];
        Claim(pod, container, outDir, readOnly: false);

        // The store's values: one shared volume, writable, at the folder the silos' configuration names and the Job passes.
        var blobs = Named("ConfigMap", "reef-silo").GetProperty("data").GetProperty("REEF_BlobFolder").GetString()!;
        Assert.Equal(blobs, args[Array.IndexOf(args, "--blob-folder") + 1]);
        var storeClaim = Claim(pod, container, blobs, readOnly: false);
        foreach (var silo in Silos)
            Assert.Equal(storeClaim, Claim(PodSpec(silo), PodSpec(silo).GetProperty("containers")[0], blobs, readOnly: false));
        Assert.Contains("ReadWriteMany", Named("PersistentVolumeClaim", storeClaim).GetProperty("spec").GetProperty("accessModes").EnumerateArray().Select(a => a.GetString()));

        // Redis and its Service agree on the port the connection strings name.
        var redis = Named("Service", "reef-redis").GetProperty("spec").GetProperty("ports")[0];
        Assert.Equal(6379, redis.GetProperty("port").GetInt32());
    }

    /// <summary>
    /// No secret reaches a command line, where the pod spec and <c>ps</c> show it: no container's command or arguments
    /// expand a variable that comes from a Secret.
    /// </summary>
    [Fact]
    public void NoSecretIsExpandedIntoACommandLine()
    {
        var workloads = OfKind("Deployment").Concat(OfKind("StatefulSet")).Concat(OfKind("Job")).ToList();
        Assert.NotEmpty(workloads);
        foreach (var workload in workloads)
        foreach (var container in PodSpec(workload).GetProperty("containers").EnumerateArray())
        {
            var secrets = Items(container, "env").Where(e => e.TryGetProperty("valueFrom", out var from) && from.TryGetProperty("secretKeyRef", out _))
                .Select(e => e.GetProperty("name").GetString()!).ToHashSet();
            var commandLine = Items(container, "command").Concat(Items(container, "args")).Select(a => a.GetString()!).ToList();
            foreach (var part in commandLine)
                foreach (Match m in Regex.Matches(part, @"\$\((\w+)\)"))
                    Assert.False(secrets.Contains(m.Groups[1].Value),
                        $"{workload.GetProperty("metadata").GetProperty("name")}/{container.GetProperty("name")}: the secret {m.Groups[1].Value} is expanded into its command line");
        }
    }

    [Fact]
    public void RbacAndNetworkPolicyAdmitWhatTheClusterNeedsAndNoMore()
    {
        var account = PodSpec(Silos[0]).GetProperty("serviceAccountName").GetString()!;
        Assert.All(Silos, s => Assert.Equal(account, PodSpec(s).GetProperty("serviceAccountName").GetString()));
        var binding = OfKind("RoleBinding").Single(b => b.GetProperty("subjects").EnumerateArray().Any(s => s.GetProperty("name").GetString() == account));
        var role = Named("Role", binding.GetProperty("roleRef").GetProperty("name").GetString()!);
        var podRule = role.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("resources").EnumerateArray().Any(x => x.GetString() == "pods"));
        var verbs = podRule.GetProperty("verbs").EnumerateArray().Select(v => v.GetString()!).ToHashSet();
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, verbs);

        var options = new ReefSiloOptions();
        var siloPolicy = Named("NetworkPolicy", "reef-silo");
        var admitted = siloPolicy.GetProperty("spec").GetProperty("ingress").EnumerateArray()
            .SelectMany(i => i.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32())).ToHashSet();
        Assert.Equal(new HashSet<int> { options.SiloPort, options.GatewayPort, options.HttpPort }, admitted);
        // Every podSelector names labels that pods here carry (or Prometheus, in its own namespace).
        var podLabels = Silos.Append(Named("Job", "reef-scan")).Append(Named("StatefulSet", "reef-redis")).SelectMany(Labels).ToHashSet();
        foreach (var policy in OfKind("NetworkPolicy"))
            foreach (var from in policy.GetProperty("spec").TryGetProperty("ingress", out var ingress) ? ingress.EnumerateArray().SelectMany(i => Items(i, "from")) : [])
                if (!from.TryGetProperty("namespaceSelector", out _))
                    Assert.All(from.GetProperty("podSelector").GetProperty("matchLabels").EnumerateObject(),
                        l => Assert.Contains(new KeyValuePair<string, string>(l.Name, l.Value.GetString()!), podLabels));
        // And a default deny: a policy selecting every pod, admitting nothing.
        Assert.Contains(OfKind("NetworkPolicy"), p => !p.GetProperty("spec").GetProperty("podSelector").EnumerateObject().Any() &&
                                                      !p.GetProperty("spec").TryGetProperty("ingress", out _));
    }

    static void AssertLockedDown(JsonElement pod, JsonElement container, string name)
    {
        Assert.True(pod.GetProperty("securityContext").GetProperty("runAsNonRoot").GetBoolean(), $"{name}: runAsNonRoot");
        Assert.True(container.GetProperty("securityContext").GetProperty("readOnlyRootFilesystem").GetBoolean(), $"{name}: readOnlyRootFilesystem");
        Assert.False(container.GetProperty("securityContext").GetProperty("allowPrivilegeEscalation").GetBoolean(), $"{name}: allowPrivilegeEscalation");
    }

    /// <summary>The claim mounted at <paramref name="path"/>, asserting its mount is (or is not) read-only.</summary>
    static string Claim(JsonElement pod, JsonElement container, string path, bool readOnly)
    {
        var mount = Items(container, "volumeMounts").SingleOrDefault(m => m.GetProperty("mountPath").GetString() == path);
        Assert.True(mount.ValueKind == JsonValueKind.Object, $"nothing is mounted at {path}");
        Assert.Equal(readOnly, mount.TryGetProperty("readOnly", out var r) && r.GetBoolean());
        var volume = Items(pod, "volumes").Single(v => v.GetProperty("name").GetString() == mount.GetProperty("name").GetString());
        return volume.GetProperty("persistentVolumeClaim").GetProperty("claimName").GetString()!;
    }
}
