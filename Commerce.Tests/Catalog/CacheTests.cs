using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace Commerce.Tests.Catalog;

public sealed class CacheTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    /// <summary>Changes a name behind the service's back, so only a cache can still show the old one.</summary>
    private async Task RenameInDatabaseAsync(int id, string name)
    {
        await using var connection = new NpgsqlConnection(catalog.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE products SET name = $2 WHERE id = $1", connection) { Parameters = { new() { Value = id }, new() { Value = name } } };
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    [Fact]
    public async Task A_read_fills_the_cache_with_a_ttl_and_later_reads_are_served_from_it()
    {
        var servers = await TestServers.GetAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var key = $"{catalog.CachePrefix}:product:11";
        await redis.GetDatabase().KeyDeleteAsync(key);

        var original = await catalog.GetJsonAsync("api/catalog/products/11");
        var cached = (string?)await redis.GetDatabase().StringGetAsync(key);
        Assert.NotNull(cached);
        Assert.StartsWith($"{original.GetProperty("version").GetInt32()}|", cached);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

        await RenameInDatabaseAsync(11, "Changed behind the cache");
        Assert.Equal(original.GetProperty("name").GetString(), (await catalog.GetJsonAsync("api/catalog/products/11")).GetProperty("name").GetString());
        var many = await catalog.GetJsonAsync("api/catalog/products?ids=11");
        Assert.Equal(original.GetProperty("name").GetString(), many.GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_update_on_one_replica_is_seen_at_once_by_another()
    {
        await using var replica = await CatalogService.StartAsync(catalog.ConnectionString, (await TestServers.GetAsync()).Redis.ConnectionString, catalog.CachePrefix);
        using var other = replica.CreateClient();

        var before = await GetAsync(other, "api/catalog/products/12");
        // Proof that the other replica now answers from the cache: a change it was not told about stays invisible.
        await RenameInDatabaseAsync(12, "Not announced");
        Assert.Equal(before.GetProperty("name").GetString(), (await GetAsync(other, "api/catalog/products/12")).GetProperty("name").GetString());

        using var admin = catalog.AdminClient();
        using var put = await admin.PutAsJsonAsync("api/catalog/products/12", new
        {
            sku = before.GetProperty("sku").GetString(), name = "Renamed on replica one", description = before.GetProperty("description").GetString(),
            brand = before.GetProperty("brand").GetString(), category = before.GetProperty("category").GetString(), price = 12.34m,
            currency = "EUR", version = before.GetProperty("version").GetInt32(),
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var after = await GetAsync(other, "api/catalog/products/12");
        Assert.Equal("Renamed on replica one", after.GetProperty("name").GetString());
        Assert.Equal(12.34m, after.GetProperty("price").GetDecimal());
        var listed = await GetAsync(other, "api/catalog/products?ids=12");
        Assert.Equal("Renamed on replica one", listed.GetProperty("items")[0].GetProperty("name").GetString());

        // Stock changes invalidate too.
        using var stock = await admin.PostAsJsonAsync("api/catalog/products/12/stock", new { delta = 3 });
        Assert.Equal(HttpStatusCode.OK, stock.StatusCode);
        Assert.Equal(after.GetProperty("availableStock").GetInt32() + 3, (await GetAsync(other, "api/catalog/products/12")).GetProperty("availableStock").GetInt32());

        using var delete = await admin.DeleteAsync("api/catalog/products/12");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await other.GetAsync("api/catalog/products/12");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_slow_reader_cannot_put_back_an_older_version()
    {
        var servers = await TestServers.GetAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var product = await catalog.GetJsonAsync("api/catalog/products/13");
        var version = product.GetProperty("version").GetInt32();
        using var admin = catalog.AdminClient();
        (await admin.PostAsJsonAsync("api/catalog/products/13/stock", new { delta = 1 })).EnsureSuccessStatusCode();

        // What a reader that loaded the old row before the change would write now.
        var cache = catalog.App.App.Services.GetService(typeof(Commerce.Catalog.Caching.ProductCache)) as Commerce.Catalog.Caching.ProductCache;
        var stale = JsonSerializer.Deserialize<ProductResponse>(product.GetRawText(), JsonSerializerOptions.Web)!;
        await cache!.SetManyAsync([stale]);

        var entry = (string?)await redis.GetDatabase().StringGetAsync($"{catalog.CachePrefix}:product:13");
        Assert.StartsWith($"{version + 1}|", entry);
        Assert.Equal(product.GetProperty("availableStock").GetInt32() + 1, (await catalog.GetJsonAsync("api/catalog/products/13")).GetProperty("availableStock").GetInt32());
    }
}

/// <summary>Redis taken away from a running catalog: it answers from PostgreSQL and reports Degraded.</summary>
public sealed class CacheOutageTests
{
    [Fact]
    public async Task With_redis_down_reads_and_writes_keep_working_and_health_is_degraded()
    {
        var servers = await TestServers.GetAsync();
        await using var redis = await RedisServer.StartAsync();
        var database = PostgresServer.UniqueDatabaseName("catalog_outage");
        await using var app = await CatalogService.StartAsync(servers.Postgres.ConnectionString(database), redis.ConnectionString, "outage");
        using var client = app.CreateClient();
        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Admin());

        Assert.Equal("Healthy", (await WaitForHealthAsync(client, "Healthy")).GetProperty("status").GetString());
        var before = JsonDocument.Parse(await client.GetStringAsync("api/catalog/products/5")).RootElement;

        await redis.StopAsync();
        var health = await WaitForHealthAsync(client, "Degraded");
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("redis-cache").GetProperty("status").GetString());

        using var read = await client.GetAsync("api/catalog/products/5");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var list = await client.GetAsync("api/catalog/products?q=running&pageSize=5");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var many = await client.GetAsync("api/catalog/products?ids=5,6");
        Assert.Equal(2, (await CatalogService.JsonAsync(many)).GetProperty("items").GetArrayLength());

        using var put = await admin.PutAsJsonAsync("api/catalog/products/5", new
        {
            sku = before.GetProperty("sku").GetString(), name = "Renamed while Redis was down", description = "d",
            brand = before.GetProperty("brand").GetString(), category = before.GetProperty("category").GetString(), price = 20m,
            currency = "EUR", version = before.GetProperty("version").GetInt32(),
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Renamed while Redis was down", JsonDocument.Parse(await client.GetStringAsync("api/catalog/products/5")).RootElement.GetProperty("name").GetString());

        await redis.RestartAsync();
        await WaitForHealthAsync(client, "Healthy");
        Assert.Equal("Renamed while Redis was down", JsonDocument.Parse(await client.GetStringAsync("api/catalog/products/5")).RootElement.GetProperty("name").GetString());
    }

    private static async Task<JsonElement> WaitForHealthAsync(HttpClient client, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement body;
        do
        {
            using var response = await client.GetAsync("health");
            body = await CatalogService.JsonAsync(response);
            if (body.GetProperty("status").GetString() == status)
            {
                // Degraded is still 200: load balancers keep sending traffic to a replica without its cache.
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return body;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"/health never became {status}: {body}");
        return default;
    }
}

public sealed class SearchCacheTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    [Fact]
    public async Task A_blank_query_and_a_query_without_words_are_cached_apart()
    {
        // Both have no words; a blank box lists everything, punctuation alone finds nothing.
        var punctuation = await catalog.GetJsonAsync("api/catalog/products?q=%21%21%21&pageSize=1");
        var blank = await catalog.GetJsonAsync("api/catalog/products?q=%20%20&pageSize=1");
        var listing = await catalog.GetJsonAsync("api/catalog/products?pageSize=1");

        Assert.Equal(0, punctuation.GetProperty("total").GetInt64());
        Assert.True(listing.GetProperty("total").GetInt64() > 0);
        Assert.Equal(listing.GetProperty("total").GetInt64(), blank.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Search_results_are_reused_until_a_product_changes_on_any_replica()
    {
        var first = await catalog.GetJsonAsync("api/catalog/products?q=dumbbells&pageSize=100");
        var total = first.GetProperty("total").GetInt64();
        Assert.True(total > 0);

        // Behind the service's back: the cached page still answers.
        await using (var connection = new NpgsqlConnection(catalog.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE products SET name = 'Plain Kettlebell', description = 'Cast iron.' WHERE id = (SELECT min(id) FROM products WHERE name LIKE '%Dumbbells%')", connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal(total, (await catalog.GetJsonAsync("api/catalog/products?q=dumbbells&pageSize=100")).GetProperty("total").GetInt64());

        // Any admin change, made on another replica, starts a new generation everywhere.
        await using var replica = await CatalogService.StartAsync(catalog.ConnectionString, (await TestServers.GetAsync()).Redis.ConnectionString, catalog.CachePrefix);
        using var admin = replica.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Admin());
        using var created = await admin.PostAsJsonAsync("api/catalog/products", new
        {
            sku = "FIT-GEN-000001", name = "Hex Dumbbells Pair", description = "Rubber coated.", brand = "Lotus Motion", category = "Yoga & Fitness", price = 39.90m, availableStock = 4,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var after = await catalog.GetJsonAsync("api/catalog/products?q=dumbbells&pageSize=100");
        Assert.Equal(total, after.GetProperty("total").GetInt64()); // one renamed away, one added
        Assert.Contains(after.GetProperty("items").EnumerateArray(), i => i.GetProperty("name").GetString() == "Hex Dumbbells Pair");
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), i => i.GetProperty("name").GetString() == "Plain Kettlebell");
    }
}
