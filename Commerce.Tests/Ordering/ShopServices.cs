using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Cart;
using Commerce.Ordering;
using Commerce.Tests.Cart;
using Commerce.Tests.Catalog;
using Commerce.Tests.Infrastructure;
using Commerce.Tests.Messaging;

namespace Commerce.Tests.Ordering;

/// <summary>
/// Catalog, Cart and Ordering as they run: in-process on real Kestrel, each with its own database
/// or key space, talking over HTTP and one RabbitMQ virtual host.
/// </summary>
public sealed class ShopServices : IAsyncDisposable
{
    public static readonly string[] FinalStatuses = ["Paid", "Shipped", "Cancelled"];

    public required KestrelApp Catalog { get; init; }
    public required KestrelApp Cart { get; init; }
    public required KestrelApp Ordering { get; init; }
    public required string CatalogConnectionString { get; init; }
    public required string OrderingConnectionString { get; init; }

    /// <param name="messaging">A broker to use instead of a new virtual host on the shared one.</param>
    /// <param name="brokerReachable">False for a broker that is down on purpose: nothing waits for the consumers' queues.</param>
    public static async Task<ShopServices> StartAsync(string? messaging = null, IDictionary<string, string?>? orderingSettings = null, bool brokerReachable = true)
    {
        var servers = await TestServers.GetAsync();
        var scope = Guid.NewGuid().ToString("N");
        messaging ??= await servers.RabbitMq.CreateVirtualHostAsync($"shop-{scope}");
        var catalogDb = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("shopcatalog"));
        var catalog = await CatalogService.StartAsync(catalogDb, servers.Redis.ConnectionString, $"shop-{scope}:catalog", messaging);

        var cartSettings = CartServices.Settings(servers.Redis.ConnectionString, messaging, catalog.BaseAddress, $"shop-{scope}:cart:");
        var cart = await KestrelApp.StartServiceAsync(CartApp.Build, cartSettings, CartApp.InitializeAsync);

        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:orderingdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("shopordering"));
        settings["ConnectionStrings:messaging"] = messaging;
        settings["services:catalog:http:0"] = catalog.BaseAddress.ToString();
        settings["services:cart:http:0"] = cart.BaseAddress.ToString();
        settings["Payments:SimulatedLatency"] = "00:00:00.020";
        foreach (var (key, value) in orderingSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        // As deployed, Ordering starts once Catalog and Cart are up, so their queues are bound
        // before its first event: a broker drops what no queue is bound for.
        if (brokerReachable)
        {
            await catalog.WaitForBusAsync();
            await cart.WaitForBusAsync();
        }

        var ordering = await KestrelApp.StartServiceAsync(OrderingApp.Build, settings, OrderingApp.InitializeAsync);
        return new ShopServices
        {
            Catalog = catalog,
            Cart = cart,
            Ordering = ordering,
            CatalogConnectionString = catalogDb,
            OrderingConnectionString = settings["ConnectionStrings:orderingdb"]!,
        };
    }

    public static HttpClient As(KestrelApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A product made for the test, with exactly <paramref name="stock"/> units.</summary>
    public async Task<int> CreateProductAsync(decimal price, int stock, string? name = null)
    {
        using var admin = As(Catalog, TestTokens.Admin());
        var sku = $"TEST-{Guid.NewGuid():N}"[..20];
        var response = await admin.PostAsJsonAsync("api/catalog/products", new
        {
            sku,
            name = name ?? $"Doorbuster {sku}",
            description = "A product made by the order-flow tests.",
            brand = "Testing Co",
            category = "Test Goods",
            price,
            currency = "USD",
            availableStock = stock,
        });
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"creating the product answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("id").GetInt32();
    }

    public async Task<(int Available, int Reserved)> StockAsync(int productId)
    {
        // The test's own look at the stock, taken while a flash sale keeps PostgreSQL busy forking
        // the services' connections: it waits longer for a connection than the default 15 s.
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(CatalogConnectionString) { Timeout = 60 }.ConnectionString;
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT available_stock, reserved_stock FROM products WHERE id = $1", conn)
        {
            Parameters = { new() { Value = productId } },
        };
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"product {productId} exists");
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>Adds to the cart as a shopper's browser would: a 503 is tried again after its Retry-After.</summary>
    public async Task AddToCartAsync(string buyerId, int productId, int quantity)
    {
        using var client = As(Cart, TestTokens.For(buyerId));
        var response = await client.PutAsJsonAsync($"api/cart/items/{productId}", new { quantity });
        for (var retry = 0; retry < 5 && response.StatusCode == HttpStatusCode.ServiceUnavailable; retry++)
        {
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            response = await client.PutAsJsonAsync($"api/cart/items/{productId}", new { quantity });
        }

        Assert.True(response.IsSuccessStatusCode, $"adding to the cart answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static object CheckoutBody(string card = "4242 4242 4242 4242") => new
    {
        shippingAddress = new { name = "Ada Lovelace", street = "12 Analytical Way", city = "London", postalCode = "N1 7AA", country = "GB" },
        payment = new { cardNumber = card, expiry = "12/30", cvc = "123", cardholderName = "Ada Lovelace" },
    };

    public async Task<HttpResponseMessage> CheckoutAsync(string buyerId, string idempotencyKey, object? body = null)
    {
        using var client = As(Ordering, TestTokens.For(buyerId));
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = JsonContent.Create(body ?? CheckoutBody()) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    /// <summary>Adds the product to a new buyer's cart and checks out; returns the accepted order's id.</summary>
    public async Task<Guid> PlaceOrderAsync(string buyerId, int productId, int quantity, string card = "4242 4242 4242 4242")
    {
        await AddToCartAsync(buyerId, productId, quantity);
        var response = await CheckoutAsync(buyerId, Guid.NewGuid().ToString(), CheckoutBody(card));
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"checkout answered {(int)response.StatusCode}: {body}");
        Assert.Equal($"/api/orders/{body.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        return body.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> GetOrderAsync(string buyerId, Guid orderId)
    {
        using var client = As(Ordering, TestTokens.For(buyerId));
        using var response = await client.GetAsync($"api/orders/{orderId}");
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"reading order {orderId} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Waits until the order is Paid, Shipped or Cancelled, and returns it.</summary>
    public async Task<JsonElement> WaitForFinalAsync(string buyerId, Guid orderId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var order = await GetOrderAsync(buyerId, orderId);
            if (FinalStatuses.Contains(order.GetProperty("status").GetString()))
            {
                return order;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"order {orderId} is still {order.GetProperty("status").GetString()} after the timeout");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Ordering.DisposeAsync();
        await Cart.DisposeAsync();
        await Catalog.DisposeAsync();
    }
}
