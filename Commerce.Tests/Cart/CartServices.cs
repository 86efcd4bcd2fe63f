using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Cart;
using Commerce.Tests.Catalog;
using Commerce.Tests.Infrastructure;
using StackExchange.Redis;

namespace Commerce.Tests.Cart;

/// <summary>
/// The real Catalog (its own database and cache key space, seeded) and the real Cart calling it over
/// HTTP, both in-process on Kestrel, on the run's shared PostgreSQL and Redis.
/// </summary>
public sealed class CartServices : IAsyncDisposable
{
    private readonly ConnectionMultiplexer? _redis;
    private bool _catalogStopped;

    private CartServices(KestrelApp catalog, KestrelApp cart, ConnectionMultiplexer? redis, string keyPrefix)
    {
        Catalog = catalog;
        Cart = cart;
        _redis = redis;
        KeyPrefix = keyPrefix;
    }

    public KestrelApp Catalog { get; }
    public KestrelApp Cart { get; }
    public string KeyPrefix { get; }
    /// <summary>The Cart's Redis, to look at what it stored.</summary>
    public IDatabase Redis => (_redis ?? throw new InvalidOperationException("Started without a test connection to Redis.")).GetDatabase();

    /// <param name="cartSettings">Extra Cart settings (e.g. <c>Cart:MaxLines</c>).</param>
    /// <param name="redisConnectionString">A Redis of the Cart's own, for tests that take it down.</param>
    /// <param name="connectTestClient">False when the test's own look into Redis could not connect (a wrong password).</param>
    /// <summary>Cart's settings in a test: its Redis, broker, Catalog and key space.</summary>
    public static Dictionary<string, string?> Settings(string redis, string messaging, Uri catalog, string keyPrefix)
    {
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:cache"] = redis;
        settings["ConnectionStrings:messaging"] = messaging;
        settings["services:catalog:http:0"] = catalog.ToString();
        settings["Cart:KeyPrefix"] = keyPrefix;
        // The suite shares two cores with its servers; Catalog may be slower than in production.
        settings["Cart:CatalogTimeout"] = "00:00:10";
        return settings;
    }

    /// <param name="routeToCatalog">The address the cart is given for Catalog's, e.g. a proxy in front of it.</param>
    public static async Task<CartServices> StartAsync(IDictionary<string, string?>? cartSettings = null, string? redisConnectionString = null,
        bool connectTestClient = true, Func<Uri, Uri>? routeToCatalog = null)
    {
        var servers = await TestServers.GetAsync();
        var scope = Guid.NewGuid().ToString("N");
        var messaging = await servers.RabbitMq.CreateVirtualHostAsync($"cart-{scope}");
        var catalog = await CatalogService.StartAsync(
            servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("cartcatalog")),
            servers.Redis.ConnectionString,
            $"test-{scope}:catalog",
            messaging);

        var keyPrefix = $"test-{scope}:cart:";
        var settings = Settings(redisConnectionString ?? servers.Redis.ConnectionString, messaging,
            routeToCatalog?.Invoke(catalog.BaseAddress) ?? catalog.BaseAddress, keyPrefix);
        foreach (var (key, value) in cartSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        KestrelApp? cart = null;
        try
        {
            cart = await KestrelApp.StartServiceAsync(CartApp.Build, settings, CartApp.InitializeAsync);
            var redis = connectTestClient ? await ConnectionMultiplexer.ConnectAsync(redisConnectionString ?? servers.Redis.ConnectionString) : null;
            return new CartServices(catalog, cart, redis, keyPrefix);
        }
        catch
        {
            if (cart is not null)
            {
                await cart.DisposeAsync();
            }

            await catalog.DisposeAsync();
            throw;
        }
    }

    public RedisKey CartKey(string buyerId) => $"{KeyPrefix}buyer:{buyerId}";

    /// <summary>A client of the Cart acting as <paramref name="buyerId"/> (no token when null).</summary>
    public HttpClient CartClient(string? buyerId) => WithToken(Cart.CreateClient(), buyerId is null ? null : TestTokens.For(buyerId));

    public HttpClient CatalogAdmin() => WithToken(Catalog.CreateClient(), TestTokens.Admin());

    private static HttpClient WithToken(HttpClient client, string? token)
    {
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Seeded products, as Catalog lists them.</summary>
    public async Task<IReadOnlyList<JsonElement>> ProductsAsync(int count)
    {
        using var client = Catalog.CreateClient();
        var page = await client.GetFromJsonAsync<JsonElement>($"api/catalog/products?pageSize={count}&sort=name");
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Changes a product's price through Catalog's admin API, as the back office would.</summary>
    public async Task SetPriceAsync(int id, decimal price)
    {
        var product = await ProductAsync(id);
        using var admin = CatalogAdmin();
        using var response = await admin.PutAsJsonAsync($"api/catalog/products/{id}", new
        {
            sku = product.GetProperty("sku").GetString(),
            name = product.GetProperty("name").GetString(),
            description = product.GetProperty("description").GetString(),
            brand = product.GetProperty("brand").GetString(),
            category = product.GetProperty("category").GetString(),
            price,
            currency = product.GetProperty("currency").GetString(),
            version = product.GetProperty("version").GetInt32(),
        });
        Assert.True(response.IsSuccessStatusCode, $"Catalog refused the price change: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Brings a product's available stock to <paramref name="available"/> through Catalog's admin API.</summary>
    public async Task SetStockAsync(int id, int available)
    {
        var current = (await ProductAsync(id)).GetProperty("availableStock").GetInt32();
        using var admin = CatalogAdmin();
        using var response = await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = available - current });
        Assert.True(response.IsSuccessStatusCode, $"Catalog refused the stock change: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task DeleteProductAsync(int id)
    {
        using var admin = CatalogAdmin();
        using var response = await admin.DeleteAsync($"api/catalog/products/{id}");
        Assert.True(response.IsSuccessStatusCode, $"Catalog refused the delete: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> ProductAsync(int id)
    {
        using var client = Catalog.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"api/catalog/products/{id}");
    }

    /// <summary>Takes Catalog down for good, as an outage would.</summary>
    public async Task StopCatalogAsync()
    {
        if (!_catalogStopped)
        {
            _catalogStopped = true;
            await Catalog.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _redis?.Dispose();
        await Cart.DisposeAsync();
        await StopCatalogAsync();
    }
}

/// <summary>One Catalog and Cart pair per test class.</summary>
public sealed class CartFixture : IAsyncLifetime
{
    public CartServices Services { get; private set; } = null!;

    /// <summary>Seeded products with stock, the same for every test of the class.</summary>
    public IReadOnlyList<JsonElement> Products { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Services = await CartServices.StartAsync();
        Products = [.. (await Services.ProductsAsync(100)).Where(p => p.GetProperty("availableStock").GetInt32() > 0)];
        Assert.True(Products.Count >= 60, $"the seeded catalogue has only {Products.Count} products in stock on its first page");
    }

    public async Task DisposeAsync()
    {
        if (Services is not null)
        {
            await Services.DisposeAsync();
        }
    }
}
