using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using System.Net.Http.Json;
using Commerce.Tests.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Commerce.AppHost.Tests;

/// <summary>The graph the AppHost describes, started whole, shopped through the storefront.</summary>
[Collection(ShopGraphCollection.Name)]
public sealed class ShopThroughTheGraphTests(ShopGraph graph, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_resource_is_healthy_and_the_storefront_serves_home_and_a_product_page()
    {
        output.WriteLine($"Every resource was healthy {graph.StartupTime.TotalSeconds:0} s after the graph started.");
        foreach (var resource in ShopGraph.Resources)
        {
            Assert.True(graph.App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"no state for '{resource}'");
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }

        using var catalog = graph.App.CreateHttpClient("catalog", "http");
        var page = await catalog.GetFromJsonAsync<JsonElement>("/api/catalog/products?page=1&pageSize=1");
        var id = page.GetProperty("items")[0].GetProperty("id").GetInt32();

        using var web = graph.App.CreateHttpClient("web", "http");
        using var home = await web.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var product = await web.GetAsync($"/products/{id}");
        Assert.Equal(HttpStatusCode.OK, product.StatusCode);
    }
}
