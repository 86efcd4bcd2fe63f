using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.ServiceAuth;
using Commerce.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Commerce.Tests.Cart;

/// <summary>The Cart's HTTP API against real Redis and the real Catalog.</summary>
public sealed class CartApiTests(CartFixture fixture, ITestOutputHelper output) : IClassFixture<CartFixture>
{
    private CartServices Services => fixture.Services;

    private JsonElement P(int index) => fixture.Products[index];

    private static string NewBuyer() => $"buyer-{Guid.NewGuid():N}";

    [Fact]
    public async Task Add_change_remove_and_clear()
    {
        var buyer = NewBuyer();
        using var client = Services.CartClient(buyer);
        var (a, b) = (P(0), P(1));

        var cart = await (await client.SetQuantityAsync(a.Id(), 2)).ReadJsonAsync();
        var line = Assert.Single(cart.Lines());
        Assert.Equal(a.Id(), line.GetProperty("productId").GetInt32());
        Assert.Equal(a.GetProperty("name").GetString(), line.GetProperty("name").GetString());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        Assert.Equal(a.Price(), line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(a.Price(), line.GetProperty("priceSeen").GetDecimal());
        Assert.Equal(a.Price() * 2, line.GetProperty("lineTotal").GetDecimal());
        Assert.Equal(a.GetProperty("availableStock").GetInt32(), line.GetProperty("availableStock").GetInt32());
        Assert.Empty(line.WarningCodes());
        Assert.True(cart.GetProperty("pricesVerified").GetBoolean());
        Assert.Equal(a.Price() * 2, cart.GetProperty("total").GetDecimal());
        Assert.Equal(a.GetProperty("currency").GetString(), cart.GetProperty("currency").GetString());

        cart = await (await client.SetQuantityAsync(b.Id(), 1)).ReadJsonAsync();
        Assert.Equal(a.Price() * 2 + b.Price(), cart.GetProperty("total").GetDecimal());
        Assert.Equal(3, cart.GetProperty("itemCount").GetInt32());

        // Changing a quantity keeps the line in its place.
        cart = await (await client.SetQuantityAsync(a.Id(), 5)).ReadJsonAsync();
        Assert.Equal([a.Id(), b.Id()], cart.Lines().Select(l => l.GetProperty("productId").GetInt32()));
        Assert.Equal(5, cart.Lines()[0].GetProperty("quantity").GetInt32());
        Assert.Equal(a.Price() * 5 + b.Price(), cart.GetProperty("total").GetDecimal());

        // Quantity 0 removes a line.
        cart = await (await client.SetQuantityAsync(b.Id(), 0)).ReadJsonAsync();
        Assert.Equal([a.Id()], cart.Lines().Select(l => l.GetProperty("productId").GetInt32()));

        cart = await (await client.DeleteAsync($"api/cart/items/{a.Id()}")).ReadJsonAsync();
        Assert.Empty(cart.Lines());
        Assert.Equal(0m, cart.GetProperty("total").GetDecimal());

        await (await client.SetQuantityAsync(b.Id(), 3)).ReadJsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("api/cart")).StatusCode);
        Assert.Empty((await client.GetCartAsync()).Lines());
        Assert.False(await Services.Redis.KeyExistsAsync(Services.CartKey(buyer)));
    }

    // Tests that change products in Catalog use products from index 50 on, which no other test reads.

    [Fact]
    public async Task A_price_change_shows_the_new_price_the_price_seen_and_a_warning()
    {
        var product = P(55);
        using var client = Services.CartClient(NewBuyer());
        await (await client.SetQuantityAsync(product.Id(), 2)).ReadJsonAsync();
        var newPrice = product.Price() + 10.05m;

        await Services.SetPriceAsync(product.Id(), newPrice);

        var cart = await client.GetCartAsync();
        var line = Assert.Single(cart.Lines());
        Assert.Equal(newPrice, line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(product.Price(), line.GetProperty("priceSeen").GetDecimal());
        Assert.True(line.GetProperty("priceChanged").GetBoolean());
        Assert.Equal(["PriceChanged"], line.WarningCodes());
        Assert.Contains("went up", line.GetProperty("warnings")[0].GetProperty("message").GetString());
        Assert.Equal(newPrice * 2, cart.GetProperty("total").GetDecimal());

        // Setting the quantity again is done with the new price in view: the warning is acknowledged.
        cart = await (await client.SetQuantityAsync(product.Id(), 3)).ReadJsonAsync();
        line = Assert.Single(cart.Lines());
        Assert.Equal(newPrice, line.GetProperty("priceSeen").GetDecimal());
        Assert.Empty(line.WarningCodes());
        Assert.Equal(newPrice * 3, cart.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Short_or_no_stock_shows_a_warning()
    {
        var product = P(56);
        using var client = Services.CartClient(NewBuyer());
        await (await client.SetQuantityAsync(product.Id(), 5)).ReadJsonAsync();

        await Services.SetStockAsync(product.Id(), 2);
        var line = Assert.Single((await client.GetCartAsync()).Lines());
        Assert.Equal(["StockShort"], line.WarningCodes());
        Assert.Equal(2, line.GetProperty("availableStock").GetInt32());
        Assert.Contains("Only 2", line.GetProperty("warnings")[0].GetProperty("message").GetString());

        await Services.SetStockAsync(product.Id(), 0);
        line = Assert.Single((await client.GetCartAsync()).Lines());
        Assert.Equal(["OutOfStock"], line.WarningCodes());

        await Services.SetStockAsync(product.Id(), 50);
        Assert.Empty(Assert.Single((await client.GetCartAsync()).Lines()).WarningCodes());
    }

    [Fact]
    public async Task A_product_removed_from_the_catalog_is_flagged_and_left_out_of_the_total()
    {
        var (kept, removed) = (P(57), P(58));
        using var client = Services.CartClient(NewBuyer());
        await (await client.SetQuantityAsync(kept.Id(), 1)).ReadJsonAsync();
        await (await client.SetQuantityAsync(removed.Id(), 1)).ReadJsonAsync();

        await Services.DeleteProductAsync(removed.Id());

        var cart = await client.GetCartAsync();
        var gone = cart.Lines().Single(l => l.GetProperty("productId").GetInt32() == removed.Id());
        Assert.False(gone.GetProperty("available").GetBoolean());
        Assert.Equal(["ProductUnavailable"], gone.WarningCodes());
        Assert.Equal(kept.Price(), cart.GetProperty("total").GetDecimal());

        // It can no longer be added, and the buyer can remove it.
        await (await client.SetQuantityAsync(removed.Id(), 2)).ReadProblemAsync(HttpStatusCode.NotFound);
        cart = await (await client.DeleteAsync($"api/cart/items/{removed.Id()}")).ReadJsonAsync();
        Assert.Equal([kept.Id()], cart.Lines().Select(l => l.GetProperty("productId").GetInt32()));
    }

    [Fact]
    public async Task Two_buyers_stay_apart()
    {
        var (alice, bob) = (NewBuyer(), NewBuyer());
        using var aliceClient = Services.CartClient(alice);
        using var bobClient = Services.CartClient(bob);

        await (await aliceClient.SetQuantityAsync(P(2).Id(), 1)).ReadJsonAsync();
        await (await bobClient.SetQuantityAsync(P(3).Id(), 4)).ReadJsonAsync();

        Assert.Equal([P(2).Id()], (await aliceClient.GetCartAsync()).Lines().Select(l => l.GetProperty("productId").GetInt32()));
        Assert.Equal([P(3).Id()], (await bobClient.GetCartAsync()).Lines().Select(l => l.GetProperty("productId").GetInt32()));

        // Bob cannot reach Alice's line, and clearing his cart leaves hers alone.
        await (await bobClient.DeleteAsync($"api/cart/items/{P(2).Id()}")).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await bobClient.DeleteAsync("api/cart")).StatusCode);
        var aliceCart = await aliceClient.GetCartAsync();
        Assert.Equal(1, Assert.Single(aliceCart.Lines()).GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Fifty_concurrent_writers_to_one_cart_lose_no_line()
    {
        var buyer = NewBuyer();
        var products = fixture.Products.Take(50).ToList();
        using var client = Services.CartClient(buyer);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(products.Select(p => client.SetQuantityAsync(p.Id(), 1 + p.Id() % 3)));
        output.WriteLine($"50 concurrent PUTs (each a Catalog batch call, a Lua write and a priced read) took {clock.ElapsedMilliseconds} ms in all.");

        foreach (var response in responses)
        {
            await response.ReadJsonAsync();
        }

        var cart = await client.GetCartAsync();
        Assert.Equal(products.Select(p => p.Id()).Order(), cart.Lines().Select(l => l.GetProperty("productId").GetInt32()).Order());
        Assert.All(cart.Lines(), l => Assert.Equal(1 + l.GetProperty("productId").GetInt32() % 3, l.GetProperty("quantity").GetInt32()));
        Assert.Equal(products.Sum(p => p.Price() * (1 + p.Id() % 3)), cart.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Merge_adds_the_anonymous_cart_into_the_buyers_and_removes_it()
    {
        var (anonymous, buyer) = ($"anon-{Guid.NewGuid():N}", NewBuyer());
        using var anonymousClient = Services.CartClient(anonymous);
        using var buyerClient = Services.CartClient(buyer);
        await (await anonymousClient.SetQuantityAsync(P(4).Id(), 2)).ReadJsonAsync();
        await (await anonymousClient.SetQuantityAsync(P(5).Id(), 1)).ReadJsonAsync();
        await (await anonymousClient.SetQuantityAsync(P(6).Id(), 98)).ReadJsonAsync();
        await (await buyerClient.SetQuantityAsync(P(4).Id(), 3)).ReadJsonAsync();
        await (await buyerClient.SetQuantityAsync(P(6).Id(), 5)).ReadJsonAsync();

        var merged = await (await buyerClient.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerToken = TestTokens.For(anonymous) })).ReadJsonAsync();

        var quantities = merged.Lines().ToDictionary(l => l.GetProperty("productId").GetInt32(), l => l.GetProperty("quantity").GetInt32());
        Assert.Equal(new Dictionary<int, int> { [P(4).Id()] = 5, [P(5).Id()] = 1, [P(6).Id()] = 99 }, quantities);
        Assert.Equal(["QuantityCapped"], merged.WarningCodes());
        Assert.Empty((await anonymousClient.GetCartAsync()).Lines());
        Assert.False(await Services.Redis.KeyExistsAsync(Services.CartKey(anonymous)));

        // A retried merge finds nothing left to move.
        var again = await (await buyerClient.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerToken = TestTokens.For(anonymous) })).ReadJsonAsync();
        Assert.Equal(quantities, again.Lines().ToDictionary(l => l.GetProperty("productId").GetInt32(), l => l.GetProperty("quantity").GetInt32()));
    }

    [Fact]
    public async Task Merge_refuses_bad_requests_and_changes_nothing()
    {
        var (anonymous, buyer) = ($"anon-{Guid.NewGuid():N}", NewBuyer());
        using var anonymousClient = Services.CartClient(anonymous);
        using var buyerClient = Services.CartClient(buyer);
        await (await anonymousClient.SetQuantityAsync(P(7).Id(), 2)).ReadJsonAsync();
        await (await buyerClient.SetQuantityAsync(P(8).Id(), 1)).ReadJsonAsync();
        var before = await SnapshotAsync(buyer, anonymous);

        await (await buyerClient.PostAsJsonAsync("api/cart/merge", new { })).ReadProblemAsync(HttpStatusCode.BadRequest);
        await (await buyerClient.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerToken = TestTokens.For(buyer) })).ReadProblemAsync(HttpStatusCode.BadRequest);
        await (await buyerClient.SendRawAsync(HttpMethod.Post, "api/cart/merge", "anon")).ReadProblemAsync(HttpStatusCode.BadRequest);
        using var noToken = Services.CartClient(null);
        await (await noToken.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerToken = TestTokens.For(anonymous) })).ReadProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await SnapshotAsync(buyer, anonymous));
    }

    [Fact]
    public async Task Expiry_is_thirty_days_and_refreshed_on_use()
    {
        var buyer = NewBuyer();
        using var client = Services.CartClient(buyer);
        var key = Services.CartKey(buyer);

        await (await client.SetQuantityAsync(P(9).Id(), 1)).ReadJsonAsync();
        AssertAboutThirtyDays(await Services.Redis.KeyTimeToLiveAsync(key));

        // As if the cart had not been used for almost 30 days: reading it restores the full period.
        await Services.Redis.KeyExpireAsync(key, TimeSpan.FromMinutes(5));
        await client.GetCartAsync();
        AssertAboutThirtyDays(await Services.Redis.KeyTimeToLiveAsync(key));

        await Services.Redis.KeyExpireAsync(key, TimeSpan.FromMinutes(5));
        await (await client.SetQuantityAsync(P(9).Id(), 2)).ReadJsonAsync();
        AssertAboutThirtyDays(await Services.Redis.KeyTimeToLiveAsync(key));
    }

    private static void AssertAboutThirtyDays(TimeSpan? ttl)
    {
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
    }

    public static TheoryData<string, string, string, string?, string, HttpStatusCode> BadRequests()
    {
        const string json = "application/json";
        return new()
        {
            // name, method, path ({p} = a product not in the cart, {in} = one in it), body, content type, expected
            { "unknown product", "PUT", "api/cart/items/987654", """{"quantity":1}""", json, HttpStatusCode.NotFound },
            { "quantity 0 on add", "PUT", "api/cart/items/{p}", """{"quantity":0}""", json, HttpStatusCode.BadRequest },
            { "negative quantity", "PUT", "api/cart/items/{p}", """{"quantity":-1}""", json, HttpStatusCode.BadRequest },
            { "negative quantity on a line in the cart", "PUT", "api/cart/items/{in}", """{"quantity":-3}""", json, HttpStatusCode.BadRequest },
            { "quantity 100", "PUT", "api/cart/items/{in}", """{"quantity":100}""", json, HttpStatusCode.BadRequest },
            { "non-numeric quantity", "PUT", "api/cart/items/{p}", """{"quantity":"two"}""", json, HttpStatusCode.BadRequest },
            { "fractional quantity", "PUT", "api/cart/items/{p}", """{"quantity":1.5}""", json, HttpStatusCode.BadRequest },
            { "missing quantity", "PUT", "api/cart/items/{p}", "{}", json, HttpStatusCode.BadRequest },
            { "malformed product id", "PUT", "api/cart/items/abc", """{"quantity":1}""", json, HttpStatusCode.BadRequest },
            { "product id 0", "PUT", "api/cart/items/0", """{"quantity":1}""", json, HttpStatusCode.BadRequest },
            { "negative product id", "PUT", "api/cart/items/-7", """{"quantity":1}""", json, HttpStatusCode.BadRequest },
            { "product id too large", "PUT", "api/cart/items/99999999999", """{"quantity":1}""", json, HttpStatusCode.BadRequest },
            { "body not JSON", "PUT", "api/cart/items/{p}", "quantity=2", json, HttpStatusCode.BadRequest },
            { "body not JSON at all", "PUT", "api/cart/items/{p}", "two please", "text/plain", HttpStatusCode.UnsupportedMediaType },
            { "no body", "PUT", "api/cart/items/{p}", null, json, HttpStatusCode.BadRequest },
            { "malformed id on delete", "DELETE", "api/cart/items/x1", null, json, HttpStatusCode.BadRequest },
            { "delete a line not in the cart", "DELETE", "api/cart/items/{p}", null, json, HttpStatusCode.NotFound },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_problem_and_changes_nothing(string name, string method, string path, string? body, string contentType, HttpStatusCode expected)
    {
        var buyer = NewBuyer();
        using var client = Services.CartClient(buyer);
        var (inCart, notInCart) = (P(10), P(11));
        await (await client.SetQuantityAsync(inCart.Id(), 2)).ReadJsonAsync();
        var before = await SnapshotAsync(buyer);

        var response = await client.SendRawAsync(new HttpMethod(method),
            path.Replace("{p}", notInCart.Id().ToString()).Replace("{in}", inCart.Id().ToString()), body, contentType);

        var problem = await response.ReadProblemAsync(expected);
        Assert.False(string.IsNullOrWhiteSpace(problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.GetProperty("title").GetString()), name);
        Assert.Equal(before, await SnapshotAsync(buyer));
    }

    [Fact]
    public async Task Missing_or_foreign_tokens_are_401_and_change_nothing()
    {
        var buyer = NewBuyer();
        using var client = Services.CartClient(buyer);
        await (await client.SetQuantityAsync(P(12).Id(), 1)).ReadJsonAsync();
        var before = await SnapshotAsync(buyer);

        var (otherKey, _) = RsaKeys.CreatePair();
        using var forger = new ServiceTokenIssuer(otherKey);
        using var noToken = Services.CartClient(null);
        using var foreign = Services.Cart.CreateClient();
        foreign.DefaultRequestHeaders.Authorization = new("Bearer", forger.Issue(buyer));

        foreach (var c in new[] { noToken, foreign })
        {
            await (await c.GetAsync("api/cart")).ReadProblemAsync(HttpStatusCode.Unauthorized);
            await (await c.SetQuantityAsync(P(13).Id(), 1)).ReadProblemAsync(HttpStatusCode.Unauthorized);
            await (await c.DeleteAsync($"api/cart/items/{P(12).Id()}")).ReadProblemAsync(HttpStatusCode.Unauthorized);
            await (await c.DeleteAsync("api/cart")).ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(before, await SnapshotAsync(buyer));
    }

    [Fact]
    public async Task Health_needs_redis()
    {
        // The OpenAPI document is served in Development only (Catalog/OpenApiTests checks it).
        using var client = Services.Cart.CreateClient();
        var health = await (await client.GetAsync("health")).ReadJsonAsync();
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("redis-cache").GetProperty("status").GetString());
    }

    /// <summary>The buyers' carts exactly as stored, to prove a refused request changed nothing.</summary>
    private async Task<string> SnapshotAsync(params string[] buyers)
    {
        var parts = new List<string>();
        foreach (var buyer in buyers)
        {
            var entries = await Services.Redis.HashGetAllAsync(Services.CartKey(buyer));
            parts.Add(buyer + ": " + string.Join(" | ", entries.OrderBy(e => (string?)e.Name).Select(e => $"{e.Name}={e.Value}")));
        }

        return string.Join(Environment.NewLine, parts);
    }
}
