using Microsoft.Extensions.Hosting;

// A single silo on loopback with in-memory storage. Redis clustering, Redis storage, accelerator metadata and
// the metrics endpoint arrive with the cluster issue; this host is the starting point they extend.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddMemoryGrainStorage("reef");
});
await builder.Build().RunAsync();
