using System.Diagnostics;
using Commerce.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// <c>ConnectionStrings:search</c> names a loopback port where nothing listens: the Catalog starts
/// anyway, answers searches and suggestions from PostgreSQL exactly as a Catalog without
/// Elasticsearch does, and <c>/health</c> says Degraded (still 200) without showing the password.
/// </summary>
public sealed class ElasticsearchFallbackTests(CatalogService postgresOnly, ITestOutputHelper output) : IClassFixture<CatalogService>
{
    [Fact]
    public async Task With_elasticsearch_unreachable_search_and_suggest_answer_from_postgresql_and_health_is_degraded()
    {
        var closedPort = OsProcess.FreePort();
        await using var app = await SearchCatalog.StartAsync($"http://elastic:not-for-logs-{Guid.NewGuid():N}@127.0.0.1:{closedPort}", "products-fallback");
        using var client = app.CreateClient();

        var health = await SearchCatalog.WaitForSearchHealthAsync(client, "Degraded", TimeSpan.FromSeconds(30));
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var description = health.GetProperty("checks").GetProperty("search").GetProperty("description").GetString()!;
        Assert.Contains($"127.0.0.1:{closedPort}", description, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", description, StringComparison.Ordinal);
        Assert.DoesNotContain("not-for-logs", health.GetRawText(), StringComparison.Ordinal);
        using (var response = await client.GetAsync("health"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        string[] paths =
        [
            "api/catalog/products?q=runing%20shoes&pageSize=10",
            "api/catalog/products?q=trail&brand=Aerolite&sort=price_asc",
            "api/catalog/products?category=Headphones&minPrice=20&maxPrice=300&sort=name",
            "api/catalog/products?q=espreso%20machine",
        ];
        var timer = new Stopwatch();
        foreach (var path in paths)
        {
            var expected = await postgresOnly.GetJsonAsync(path);
            timer.Start();
            var actual = await SearchCatalog.GetJsonAsync(client, path);
            timer.Stop();
            Assert.NotEmpty(SearchCatalog.Names(expected));
            Assert.Equal(SearchCatalog.Names(expected), SearchCatalog.Names(actual));
            Assert.Equal(expected.GetProperty("total").GetInt64(), actual.GetProperty("total").GetInt64());
            Assert.Equal(expected.GetProperty("facets").GetRawText(), actual.GetProperty("facets").GetRawText());
        }

        foreach (var typed in new[] { "runn", "headphnes", "brewm" })
        {
            var expected = await postgresOnly.GetJsonAsync($"api/catalog/suggest?q={typed}");
            timer.Start();
            var actual = await SearchCatalog.GetJsonAsync(client, $"api/catalog/suggest?q={typed}");
            timer.Stop();
            Assert.NotEqual(0, expected.GetProperty("suggestions").GetArrayLength());
            Assert.Equal(expected.GetProperty("suggestions").GetRawText(), actual.GetProperty("suggestions").GetRawText());
        }

        output.WriteLine($"{paths.Length} searches and 3 suggestions with Elasticsearch unreachable: {timer.ElapsedMilliseconds} ms in all (PostgreSQL answering)");
    }
}
