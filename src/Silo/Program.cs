using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Orleans.Runtime;
using Reef.Grains.Telemetry;
using Reef.Hosting;
using Reef.Silo;

// reef-silo: one silo of a ReefCluster. Settings come from appsettings.json, REEF_* environment variables and
// the command line (--Reef:Clustering=redis --Reef:Redis=localhost:6379 --Reef:Accelerators=1 ...).
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables("REEF_");
builder.Configuration.AddCommandLine(args);
// REEF_Redis, REEF_Accelerators, ... (prefix stripped, so top-level keys) are the short forms for containers;
// the Reef section (appsettings.json, --Reef:Redis=...) is read after them and wins.
var options = new ReefSiloOptions();
builder.Configuration.Bind(options);
builder.Configuration.GetSection(ReefSiloOptions.Section).Bind(options);
builder.WebHost.UseUrls(options.HttpPort > 0 ? $"http://0.0.0.0:{options.HttpPort}" : "http://127.0.0.1:0");
builder.Host.UseOrleans(silo => silo.UseReef(options, builder.Configuration));
// /metrics in Prometheus' text format: Orleans' runtime meter and ReefCluster's own (Reef.Grains.Telemetry.ReefMetrics).
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("Microsoft.Orleans", ReefMetrics.MeterName)
    .AddPrometheusExporter());
// SIGTERM (Kubernetes, docker stop, Ctrl-C) leaves the cluster gracefully: activations hand off, state is written.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

var app = builder.Build();
app.MapGet(SiloEndpoints.Health, (IClusterMembershipService membership, ILocalSiloDetails silo) =>
{
    var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
    return status == SiloStatus.Active ? Results.Ok($"{silo.Name} active") : Results.Problem($"{silo.Name} {status}", statusCode: 503);
});
app.MapPrometheusScrapingEndpoint(SiloEndpoints.Metrics);
await app.RunAsync();
