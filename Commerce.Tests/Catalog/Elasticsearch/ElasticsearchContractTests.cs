using System.Net.Http.Json;
using Commerce.Catalog.Search.Elasticsearch;
using Commerce.Contracts;
using Commerce.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// A Catalog searching with a real Elasticsearch (<c>COMMERCE_TEST_ELASTICSEARCH</c>), on its own
/// alias: built at start-up, then the same relevance table as the PostgreSQL search must hold.
/// </summary>
public sealed class ElasticsearchCatalog : IAsyncLifetime
{
    public KestrelApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string Alias { get; } = $"products-contract-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        if (TestElasticsearch.ConnectionString is not { } connection)
        {
            return;
        }

        App = await SearchCatalog.StartAsync(connection, Alias);
        Client = App.CreateClient();
        await SearchCatalog.WaitForSearchHealthAsync(Client, "Healthy", TimeSpan.FromSeconds(120));
    }

    public async Task DisposeAsync()
    {
        if (App is null)
        {
            return;
        }

        // Leave the shared server as it was: the index behind this test's alias goes.
        using var http = new HttpClient();
        var es = ElasticsearchConnection.Parse(TestElasticsearch.ConnectionString!);
        http.BaseAddress = es.BaseAddress;
        http.DefaultRequestHeaders.Authorization = es.Authorization;
        var indices = await http.GetFromJsonAsync<List<Dictionary<string, string>>>($"_cat/indices/{Alias}-v*?format=json&h=index") ?? [];
        foreach (var index in indices)
        {
            await http.DeleteAsync(index["index"]);
        }

        Client.Dispose();
        await App.DisposeAsync();
    }
}

public sealed class ElasticsearchContractTests(ElasticsearchCatalog catalog) : IClassFixture<ElasticsearchCatalog>
{
    [ElasticsearchTheory]
    [MemberData(nameof(SearchTests.Relevance), MemberType = typeof(SearchTests))]
    public async Task The_best_matches_come_first_as_on_postgresql(string query, string field, string expected)
    {
        SearchRelevance.AssertBestMatchesFirst(await SearchCatalog.GetJsonAsync(catalog.Client, SearchRelevance.Path(query)), query, field, expected);
    }

    [ElasticsearchFact]
    public async Task Ranking_filters_sort_suggestions_and_event_updates_behave_as_on_postgresql()
    {
        // Name outranks brand, brand outranks description.
        var trail = await SearchCatalog.GetJsonAsync(catalog.Client, "api/catalog/products?q=trail&pageSize=100");
        var classes = trail.GetProperty("items").EnumerateArray().Select(i =>
            i.GetProperty("name").GetString()!.Contains("Trail", StringComparison.Ordinal) ? 0
            : i.GetProperty("brand").GetString()!.Contains("Trail", StringComparison.Ordinal) ? 1 : 2).ToArray();
        Assert.Contains(0, classes);
        Assert.Contains(1, classes);
        Assert.Contains(2, classes);
        Assert.Equal(classes.Order(), classes);

        // Filters, sort, and a brand facet that ignores the brand filter.
        var shoes = await SearchCatalog.GetJsonAsync(catalog.Client, "api/catalog/products?q=shoes&brand=Aerolite&sort=price_asc&pageSize=100");
        var items = shoes.GetProperty("items").EnumerateArray().ToArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("Aerolite", i.GetProperty("brand").GetString()));
        var prices = items.Select(i => i.GetProperty("price").GetDecimal()).ToArray();
        Assert.Equal(prices.Order(), prices);
        Assert.True(shoes.GetProperty("facets").GetProperty("brands").GetArrayLength() > 1);
        Assert.Equal(0, (await SearchCatalog.GetJsonAsync(catalog.Client, "api/catalog/products?q=zzqxv")).GetProperty("total").GetInt64());

        foreach (var (typed, expected) in new[] { ("runn", "Running"), ("espr", "Espresso"), ("headphnes", "Headphones") })
        {
            var suggestions = (await SearchCatalog.GetJsonAsync(catalog.Client, $"api/catalog/suggest?q={typed}")).GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()!).ToArray();
            Assert.InRange(suggestions.Length, 1, 8);
            Assert.All(suggestions, s => Assert.Contains(expected, s, StringComparison.Ordinal));
        }

        // An event brings a change into the index (the consumer re-reads the product).
        using var admin = catalog.App.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin());
        var product = await SearchCatalog.GetJsonAsync(catalog.Client, "api/catalog/products/1");
        using (var update = await admin.PutAsJsonAsync("api/catalog/products/1", new
               {
                   sku = product.GetProperty("sku").GetString(), name = "Zeppelinoid Gadget", description = product.GetProperty("description").GetString(),
                   brand = product.GetProperty("brand").GetString(), category = product.GetProperty("category").GetString(),
                   price = product.GetProperty("price").GetDecimal(), currency = product.GetProperty("currency").GetString(), version = product.GetProperty("version").GetInt32(),
               }))
        {
            Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
        }

        await catalog.App.App.Services.GetRequiredService<IBus>().Publish(new ProductChanged(1, ProductChangeKind.Updated));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = await SearchCatalog.GetJsonAsync(catalog.Client, "api/catalog/products?q=zeppelinoid");
            if (found.GetProperty("total").GetInt64() == 1)
            {
                Assert.Equal(1, found.GetProperty("items")[0].GetProperty("id").GetInt32());
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "The renamed product never became searchable in Elasticsearch.");
            await Task.Delay(250);
        }
    }
}
