namespace Reef.Silo;

/// <summary>The silo's HTTP paths, on <see cref="ReefSiloOptions.HttpPort"/>; probes and scrapers (deploy/k8s) point at these.</summary>
public static class SiloEndpoints
{
    /// <summary>200 once the silo is active in the cluster, 503 while joining or leaving.</summary>
    public const string Health = "/healthz";

    /// <summary>Prometheus' text format: Orleans' meter and ReefCluster's.</summary>
    public const string Metrics = "/metrics";
}
