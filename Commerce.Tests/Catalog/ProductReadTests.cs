using System.Net;
using System.Text.Json;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Catalog;

public sealed class ProductReadTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    private static string[] Names(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();

    [Fact]
    public async Task First_page_lists_the_seeded_catalogue_with_total_and_facets()
    {
        var page = await catalog.GetJsonAsync("api/catalog/products");

        Assert.Equal(20, page.GetProperty("items").GetArrayLength());
        Assert.Equal(240, page.GetProperty("total").GetInt64());
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        Assert.Equal(20, page.GetProperty("pageSize").GetInt32());
        var brands = page.GetProperty("facets").GetProperty("brands").EnumerateArray().ToArray();
        var categories = page.GetProperty("facets").GetProperty("categories").EnumerateArray().ToArray();
        Assert.True(brands.Length >= 10, $"{brands.Length} brands");
        Assert.True(categories.Length >= 8, $"{categories.Length} categories");
        Assert.Equal(240, brands.Sum(b => b.GetProperty("count").GetInt64()));
        Assert.Equal(240, categories.Sum(c => c.GetProperty("count").GetInt64()));

        var item = page.GetProperty("items")[0];
        foreach (var field in (string[])["id", "sku", "name", "description", "brand", "category", "price", "currency", "availableStock", "imageUrl"])
        {
            Assert.True(item.TryGetProperty(field, out _), $"product has no {field}: {item}");
        }
    }

    [Fact]
    public async Task One_product_by_id_and_404_problem_for_an_unknown_id()
    {
        var page = await catalog.GetJsonAsync("api/catalog/products?pageSize=1");
        var id = page.GetProperty("items")[0].GetProperty("id").GetInt32();

        var product = await catalog.GetJsonAsync($"api/catalog/products/{id}");
        Assert.Equal(id, product.GetProperty("id").GetInt32());
        Assert.Equal($"/api/catalog/products/{id}/image", product.GetProperty("imageUrl").GetString());

        using var missing = await catalog.Client.GetAsync("api/catalog/products/987654");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("987654", (await CatalogService.JsonAsync(missing)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Many_by_ids_returns_those_that_exist_in_the_order_asked()
    {
        var page = await catalog.GetJsonAsync("api/catalog/products?ids=3,1,987654,2,1");
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToArray();
        Assert.Equal([3, 1, 2], ids);
        Assert.Equal(3, page.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Brands_and_categories_are_listed()
    {
        var brands = await catalog.GetJsonAsync("api/catalog/brands");
        var categories = await catalog.GetJsonAsync("api/catalog/categories");
        Assert.True(brands.GetArrayLength() >= 10);
        Assert.True(categories.GetArrayLength() >= 8);
        Assert.Contains(categories.EnumerateArray(), c => c.GetProperty("name").GetString() == "Running Shoes");
    }

    [Fact]
    public async Task Filters_narrow_the_page_and_each_facet_ignores_only_its_own_filter()
    {
        var page = await catalog.GetJsonAsync("api/catalog/products?category=Headphones&minPrice=50&maxPrice=200&pageSize=100");
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.NotEmpty(items);
        Assert.All(items, i =>
        {
            Assert.Equal("Headphones", i.GetProperty("category").GetString());
            Assert.InRange(i.GetProperty("price").GetDecimal(), 50m, 200m);
        });
        Assert.Equal(items.Length, page.GetProperty("total").GetInt64());

        // Brand facet counts within the category; category facet counts across all categories.
        var brands = page.GetProperty("facets").GetProperty("brands").EnumerateArray().ToArray();
        Assert.Equal(items.Length, brands.Sum(b => b.GetProperty("count").GetInt64()));
        var categories = page.GetProperty("facets").GetProperty("categories").EnumerateArray().ToArray();
        Assert.True(categories.Length > 1);

        var brand = brands[0].GetProperty("name").GetString()!;
        var both = await catalog.GetJsonAsync($"api/catalog/products?category=Headphones&minPrice=50&maxPrice=200&brand={Uri.EscapeDataString(brand)}&pageSize=100");
        Assert.Equal(brands[0].GetProperty("count").GetInt64(), both.GetProperty("total").GetInt64());
        Assert.All(both.GetProperty("items").EnumerateArray(), i => Assert.Equal(brand, i.GetProperty("brand").GetString()));
    }

    [Theory]
    [InlineData("price_asc")]
    [InlineData("price_desc")]
    [InlineData("name")]
    [InlineData("newest")]
    public async Task Sorts_order_the_whole_result(string sort)
    {
        var page = await catalog.GetJsonAsync($"api/catalog/products?sort={sort}&pageSize=100&page=2");
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(100, items.Length);
        var keys = sort switch
        {
            "price_asc" => items.Select(i => (object)i.GetProperty("price").GetDecimal()).ToArray(),
            "price_desc" => items.Select(i => (object)(-i.GetProperty("price").GetDecimal())).ToArray(),
            "name" => items.Select(i => (object)i.GetProperty("name").GetString()!).ToArray(),
            _ => items.Select(i => (object)(-i.GetProperty("createdAt").GetDateTimeOffset().UtcTicks)).ToArray(),
        };
        var sorted = keys.Order(Comparer<object>.Create((a, b) => a is string sa ? string.CompareOrdinal(sa, (string)b) : ((IComparable)a).CompareTo(b))).ToArray();
        Assert.Equal(sorted, keys);
    }

    [Fact]
    public async Task Pages_do_not_overlap_and_cover_the_catalogue()
    {
        var seen = new HashSet<int>();
        for (var p = 1; p <= 3; p++)
        {
            var page = await catalog.GetJsonAsync($"api/catalog/products?sort=name&pageSize=100&page={p}");
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                Assert.True(seen.Add(item.GetProperty("id").GetInt32()));
            }
        }

        Assert.Equal(240, seen.Count);
    }

    [Fact]
    public async Task Seeding_is_idempotent_even_when_replicas_start_together()
    {
        var servers = await TestServers.GetAsync();
        var database = PostgresServer.UniqueDatabaseName("catalog_seed");
        var cs = servers.Postgres.ConnectionString(database);
        var starts = Enumerable.Range(0, 3).Select(_ => CatalogService.StartAsync(cs, servers.Redis.ConnectionString, $"seed-{Guid.NewGuid():N}")).ToArray();
        var apps = await Task.WhenAll(starts);
        try
        {
            await using var again = await CatalogService.StartAsync(cs, servers.Redis.ConnectionString, $"seed-{Guid.NewGuid():N}");
            using var client = again.CreateClient();
            var page = JsonDocument.Parse(await client.GetStringAsync("api/catalog/products?pageSize=1")).RootElement;
            Assert.Equal(240, page.GetProperty("total").GetInt64());
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }
}
