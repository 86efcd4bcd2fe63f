using Commerce.Catalog.Search.Elasticsearch;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Commerce.Tests.Catalog.Elasticsearch;

public sealed class SearchIndexOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task The_index_build_keeps_retrying_while_elasticsearch_refuses_longer_than_its_backoff_cap_and_health_says_why()
    {
        var closedPort = OsProcess.FreePort();
        await using var app = await SearchCatalog.StartAsync($"http://elastic:pw@127.0.0.1:{closedPort}", "products-outage", new Dictionary<string, string?>
        {
            ["Catalog:Elasticsearch:RetryDelay"] = "00:00:00.050",
            ["Catalog:Elasticsearch:MaxRetryDelay"] = BackoffCap.ToString("c"),
            // Each build attempt fails at once, so the loop's own back-off is what paces it.
            [$"HttpResilience:Clients:{ProductSearchIndex.IndexingClientName}:MaxRetryAttempts"] = "0",
        });
        var stopping = app.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var client = app.CreateClient();

        var later = await HealthProbe.AssertLoopKeepsTryingAsync(client, SearchIndexInitializer.HealthCheckName, BackoffCap, stopping);
        Assert.Contains($"127.0.0.1:{closedPort}", later.GetProperty("description").GetString());

        // The shop sells on: searches are answered (by PostgreSQL).
        var page = await SearchCatalog.GetJsonAsync(client, "api/catalog/products?q=trail&pageSize=5");
        Assert.NotEqual(0, page.GetProperty("total").GetInt64());
        output.WriteLine($"{HealthProbe.ConsecutiveFailures(later)} failed builds seen: {later}");
    }
}
