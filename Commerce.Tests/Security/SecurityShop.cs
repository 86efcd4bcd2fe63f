using System.Net.Http.Headers;
using System.Net.Http.Json;
using Commerce.Ordering.Payments;
using Commerce.Tests.Infrastructure;
using Commerce.Tests.Ordering;
using Commerce.Tests.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Commerce.Tests.Security;

/// <summary>
/// The security tests' own shop (services and storefront, as <see cref="ShopStack"/> runs them),
/// with a buyer who already has a cart and a paid order, so hostile requests have something to
/// damage, and a way to see whether anything changed.
/// </summary>
public sealed class SecurityShop : ShopStack, IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;

    /// <summary>A buyer with <see cref="CartProductId"/> in the cart and one paid order.</summary>
    public string Buyer { get; } = $"buyer-{Guid.NewGuid():N}";

    /// <summary>Another buyer with a cart, whose cart and orders nobody else may reach.</summary>
    public string OtherBuyer { get; } = $"other-{Guid.NewGuid():N}";

    /// <summary>A signed-in storefront shopper with <see cref="CartProductId"/> in the cart and a paid order, <see cref="ShopperOrderId"/>.</summary>
    public WebSession Shopper { get; private set; } = null!;

    public string ShopperId { get; private set; } = "";
    public Guid ShopperOrderId { get; private set; }

    /// <summary>The storefront's operator, signed in.</summary>
    public WebSession AdminSession { get; private set; } = null!;

    /// <summary>An account hostile sign-ins may sign in to for real; its sessions are not part of <see cref="StateAsync"/>.</summary>
    public string VisitorEmail { get; } = $"visitor-{Guid.NewGuid():N}@shop.test";

    public string VisitorPassword { get; } = $"visitor {Guid.NewGuid():N}";

    private string _visitorId = "";

    /// <summary>
    /// The storefront as production configures it where the suite can tell: only its own host
    /// names (<c>AllowedHosts</c>), and a client budget for sign-ins (every hostile sign-in here
    /// comes from 127.0.0.1) that the suite's own attempts cannot use up; the production
    /// defaults are tested in <see cref="SignInThrottleTests"/>.
    /// </summary>
    protected override IReadOnlyDictionary<string, string?> WebSettings => new Dictionary<string, string?>
    {
        ["AllowedHosts"] = string.Join(';', Commerce.Web.Security.EdgeOptions.DefaultProductionHosts),
        ["SignInThrottle:ClientLimit"] = "100000",
    };

    public int ProductId { get; private set; }
    public int CartProductId { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid OtherOrderId { get; private set; }

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(100_000, Web.App.Services.GetRequiredService<Commerce.Web.Domain.SignInThrottlePolicy>().ClientLimit);
        // SCAN walks the run's whole shared Redis; on two busy cores that outlasts the 1 s default.
        var redis = ConfigurationOptions.Parse((await TestServers.GetAsync()).Redis.ConnectionString);
        redis.SyncTimeout = 30_000;
        _redis = await ConnectionMultiplexer.ConnectAsync(redis);
        ProductId = await Services.CreateProductAsync(19.99m, 1_000, "Hostile-input target");
        CartProductId = await Services.CreateProductAsync(5.00m, 1_000, "Hostile-input cart line");
        OrderId = await Services.PlaceOrderAsync(Buyer, ProductId, 1);
        OtherOrderId = await Services.PlaceOrderAsync(OtherBuyer, ProductId, 1);
        await Services.WaitForFinalAsync(Buyer, OrderId);
        await Services.WaitForFinalAsync(OtherBuyer, OtherOrderId);
        // Wait until the carts were emptied for the orders, then fill them again.
        await WaitForEmptyCartAsync(Buyer);
        await WaitForEmptyCartAsync(OtherBuyer);
        await Services.AddToCartAsync(Buyer, CartProductId, 2);
        await Services.AddToCartAsync(OtherBuyer, CartProductId, 3);

        var shopperEmail = $"shopper-{Guid.NewGuid():N}@shop.test";
        Shopper = NewSession();
        await Shopper.RegisterAsync(shopperEmail, "the shopper's own password");
        ShopperId = await BuyerIdOfAsync(shopperEmail);
        ShopperOrderId = await Services.PlaceOrderAsync(ShopperId, ProductId, 1);
        await Services.WaitForFinalAsync(ShopperId, ShopperOrderId);
        await WaitForEmptyCartAsync(ShopperId);
        await Services.AddToCartAsync(ShopperId, CartProductId, 1);
        using (var visitor = NewSession())
        {
            await visitor.RegisterAsync(VisitorEmail, VisitorPassword);
        }

        _visitorId = await BuyerIdOfAsync(VisitorEmail);
        AdminSession = NewSession();
        using var admin = await AdminSession.SignInAsync(AdminEmail, AdminPassword);
        Assert.True(admin.StatusCode == System.Net.HttpStatusCode.Redirect, $"the admin's sign-in answered {(int)admin.StatusCode}");
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    private async Task WaitForEmptyCartAsync(string buyer)
    {
        using var client = ShopServices.As(Cart, TestTokens.For(buyer));
        for (var i = 0; i < 200; i++)
        {
            var cart = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/cart");
            if (cart.GetProperty("lines").GetArrayLength() == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the cart of {buyer} was not emptied after its order");
    }

    public HttpClient Client(KestrelApp app, string? token)
    {
        var client = app.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>
    /// Everything a hostile request could damage, as digests of the rows: products and stock,
    /// reservations, orders, their lines and payments, the provider's charges, every cart and
    /// marker under Cart's key prefix, and the accounts.
    /// </summary>
    public async Task<ShopState> StateAsync()
    {
        var catalogDb = Services.CatalogConnectionString;
        var orderingDb = Ordering.App.Configuration["ConnectionStrings:orderingdb"]!;
        var payments = (SimulatedPaymentProvider)Ordering.App.Services.GetRequiredService<IPaymentProvider>();
        return new ShopState(
            await DigestAsync(catalogDb, "SELECT id, sku, name, description, brand, category, price, currency, available_stock, reserved_stock FROM products"),
            await DigestAsync(catalogDb, "SELECT * FROM stock_reservations"),
            await DigestAsync(catalogDb, "SELECT id, name FROM brands") + " / " + await DigestAsync(catalogDb, "SELECT id, name FROM categories"),
            await DigestAsync(orderingDb, "SELECT id, buyer_id, idempotency_key, status, status_reason, card_last4 FROM orders"),
            await DigestAsync(orderingDb, "SELECT * FROM order_lines"),
            await DigestAsync(orderingDb, "SELECT * FROM payments"),
            payments.ChargeCount,
            await CartsAsync(),
            await DigestAsync(IdentityConnectionString, "SELECT id, normalized_email, password_hash, is_admin FROM accounts"),
            // Sessions ended (a forged sign-out) or begun; the visitor's are hostile sign-ins meant to succeed.
            await DigestAsync(IdentityConnectionString, $"SELECT id, account_id FROM sessions WHERE account_id::text <> '{_visitorId}'"));
    }

    private static async Task<string> DigestAsync(string connectionString, string select)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            $"SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM ({select}) t", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string> CartsAsync()
    {
        var prefix = Cart.App.Configuration["Cart:KeyPrefix"]!;
        var server = _redis.GetServer(_redis.GetEndPoints().Single());
        var db = _redis.GetDatabase();
        var entries = new List<string>();
        foreach (var key in server.Keys(pattern: prefix + "*", pageSize: 1000))
        {
            var type = await db.KeyTypeAsync(key);
            var content = type switch
            {
                RedisType.Hash => string.Join(",", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order()),
                RedisType.String => (string?)await db.StringGetAsync(key),
                _ => type.ToString(),
            };
            entries.Add($"{key}:{content}");
        }

        entries.Sort(StringComparer.Ordinal);
        return $"{entries.Count} keys {Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", entries))))}";
    }

    public new async Task DisposeAsync()
    {
        _redis?.Dispose();
        Shopper?.Dispose();
        AdminSession?.Dispose();
        await base.DisposeAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();
}

/// <summary>What the shop holds, as digests; two equal states mean nothing changed.</summary>
public sealed record ShopState(string Products, string Reservations, string BrandsAndCategories, string Orders, string OrderLines,
    string Payments, int Charges, string Carts, string Accounts, string Sessions);

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityShop>
{
    public const string Name = "security";
}
