using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Commerce.AppHost.Tests;

/// <summary>
/// Aspire gives every service <c>OTEL_TRACES_SAMPLER=always_on</c> and a metric export every second
/// for the dashboard. A sampler or an export interval set
/// in the AppHost's environment (a load test on a small machine samples: the dashboard's ingestion of
/// every span took half of its two cores, docs/performance.md) reaches the services instead.
/// </summary>
[Collection(ShopGraphCollection.Name)]
public sealed class TraceSamplerTests(ShopGraph graph)
{
    [Fact]
    public void The_developers_trace_sampler_and_metric_interval_reach_every_service_process()
    {
        foreach (var service in new[] { "catalog", "cart", "ordering", "web" })
        {
            Assert.True(graph.App.ResourceNotifications.TryGetCurrentState(service, out var state), $"no state for '{service}'");
            var pid = state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
                ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
                : 0;
            Assert.True(pid > 0, $"'{service}' reports no process id");
            var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
            Assert.Contains($"OTEL_TRACES_SAMPLER={ShopGraph.TraceSampler}", environment);
            Assert.Contains($"OTEL_TRACES_SAMPLER_ARG={ShopGraph.TraceSamplerArg}", environment);
            Assert.Contains($"OTEL_METRIC_EXPORT_INTERVAL={ShopGraph.MetricExportInterval}", environment);
        }
    }
}
