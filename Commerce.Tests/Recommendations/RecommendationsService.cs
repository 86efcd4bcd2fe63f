using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Recommendations;
using Commerce.Recommendations.Data;
using Commerce.Tests.Catalog;
using Commerce.Tests.Infrastructure;
using Commerce.Tests.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Recommendations;

/// <summary>
/// Recommendations started exactly as its Program starts it, on its own database, beside a Catalog
/// (the source of categories) on one broker virtual host.
/// </summary>
public sealed class RecommendationsService : IAsyncLifetime
{
    public KestrelApp Catalog { get; private set; } = null!;
    public KestrelApp App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string Messaging { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var scope = Guid.NewGuid().ToString("N");
        Messaging = await servers.RabbitMq.CreateVirtualHostAsync($"recommendations-{scope}");
        Catalog = await CatalogService.StartAsync(servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("reccatalog")),
            servers.Redis.ConnectionString, $"recommendations-{scope}", Messaging);
        App = await StartAsync(Messaging, Catalog.BaseAddress);
        Client = App.CreateClient();
    }

    /// <summary>A Recommendations on <paramref name="messaging"/>, reading categories from the Catalog at <paramref name="catalog"/>; waits until its queues are bound.</summary>
    public static async Task<KestrelApp> StartAsync(string messaging, Uri catalog, IDictionary<string, string?>? extra = null)
    {
        var servers = await TestServers.GetAsync();
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:recommendationsdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("recommendations"));
        settings["ConnectionStrings:messaging"] = messaging;
        settings["services:catalog:http:0"] = catalog.ToString();
        settings["Recommendations:CacheDuration"] = "00:00:01";
        settings["Recommendations:CategoryRefreshInterval"] = "00:00:00.200";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await KestrelApp.StartServiceAsync(RecommendationsApp.Build, settings, RecommendationsApp.InitializeAsync);
        await app.WaitForBusAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Catalog is not null)
        {
            await Catalog.DisposeAsync();
        }
    }

    /// <summary>A product made in Catalog for the test, in <paramref name="category"/>.</summary>
    public static async Task<int> CreateProductAsync(KestrelApp catalog, string category, int stock = 100, decimal price = 10m)
    {
        using var admin = catalog.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin());
        var sku = $"REC-{Guid.NewGuid():N}"[..20];
        var response = await admin.PostAsJsonAsync("api/catalog/products", new
        {
            sku,
            name = $"Recommended {sku}",
            description = "A product made by the recommendations tests.",
            brand = "Testing Co",
            category,
            price,
            currency = "USD",
            availableStock = stock,
        });
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"creating the product answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("id").GetInt32();
    }

    public async Task<T> QueryAsync<T>(Func<RecommendationsDbContext, Task<T>> query)
    {
        await using var scope = App.App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RecommendationsDbContext>());
    }

    public Task<int> PairCountAsync(int productId, int otherId) =>
        QueryAsync(db => db.Pairs.Where(p => p.ProductId == productId && p.OtherId == otherId).Select(p => p.Orders).SingleOrDefaultAsync());

    public Task<long> UnitsSoldAsync(int productId) =>
        QueryAsync(db => db.Products.Where(p => p.ProductId == productId).Select(p => p.UnitsSold).SingleOrDefaultAsync());

    /// <summary>The ids the product endpoint recommends, with their reasons.</summary>
    public static async Task<IReadOnlyList<(int Id, string Reason)>> RecommendedAsync(HttpClient client, int productId, int take = 4)
    {
        using var response = await client.GetAsync($"api/recommendations/products/{productId}?take={take}");
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"recommendations for {productId} answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("productId").GetInt32(), i.GetProperty("reason").GetString()!)).ToList();
    }

    public static async Task<JsonElement> TrendingAsync(HttpClient client, string query = "")
    {
        using var response = await client.GetAsync($"api/recommendations/trending{query}");
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"trending answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
