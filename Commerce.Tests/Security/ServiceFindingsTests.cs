using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Commerce.Catalog.Search;
using Commerce.Tests.Cart;
using Commerce.Tests.Ordering;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Security;

/// <summary>
/// Regression tests for what the outside probe of issue 16 found in the services (findings 2, 3,
/// 4 and 10), each against the real services.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class ServiceFindingsTests(SecurityShop shop)
{
    private static string NewBuyer(string kind = "buyer") => $"{kind}-{Guid.NewGuid():N}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<Dictionary<int, int>> CartOfAsync(string buyer)
    {
        using var client = shop.Client(shop.Cart, TestTokens.For(buyer));
        var cart = await client.GetCartAsync();
        return cart.Lines().ToDictionary(l => l.GetProperty("productId").GetInt32(), l => l.GetProperty("quantity").GetInt32());
    }

    // Finding 2: POST /api/cart/merge took the anonymous buyer id from the body on trust.

    [Fact]
    public async Task Merge_naming_another_buyers_id_takes_nothing()
    {
        var (thief, victim) = (NewBuyer("thief"), NewBuyer("victim"));
        await shop.Services.AddToCartAsync(victim, shop.CartProductId, 4);
        using var client = shop.Client(shop.Cart, TestTokens.For(thief));

        using var response = await client.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerId = victim });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("anonymousBuyerToken", problem.ToString());
        Assert.Equal(new Dictionary<int, int> { [shop.CartProductId] = 4 }, await CartOfAsync(victim));
        Assert.Empty(await CartOfAsync(thief));
    }

    public static TheoryData<string, string> BadProofs => new()
    {
        { "signed with another key", "other-key" },
        { "tampered payload", "tampered" },
        { "unsigned (alg none)", "none" },
        { "HS256 with the public key", "hmac" },
        { "expired", "expired" },
        { "not a token", "garbage" },
        { "empty sub", "empty-sub" },
        { "a year long", "year" },
        { "another audience", "audience" },
    };

    [Theory]
    [MemberData(nameof(BadProofs))]
    public async Task Merge_with_a_proof_that_is_not_genuine_is_403_and_takes_nothing(string _, string kind)
    {
        var (thief, victim) = (NewBuyer("thief"), NewBuyer("victim"));
        await shop.Services.AddToCartAsync(victim, shop.CartProductId, 4);
        var proof = kind switch
        {
            "other-key" => CraftedTokens.SignedWithOtherKey(CraftedTokens.Claims(victim)),
            "tampered" => CraftedTokens.Tampered(TestTokens.For(thief), victim),
            "none" => CraftedTokens.AlgNone(victim),
            "hmac" => CraftedTokens.HmacWithPublicKey(victim),
            "expired" => TestTokens.Issuer.Issue(victim, lifetime: TimeSpan.FromMinutes(1), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-5)),
            "garbage" => victim,
            "empty-sub" => CraftedTokens.WithSub(""),
            "year" => CraftedTokens.Signed(new Dictionary<string, object?>(CraftedTokens.Claims(victim)) { ["exp"] = CraftedTokens.Now + 365 * 86400, ["iat"] = CraftedTokens.Now + 365 * 86400 - 300, ["nbf"] = null }),
            "audience" => TestTokens.Issuer.Issue(victim, audience: "someone-else"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var client = shop.Client(shop.Cart, TestTokens.For(thief));

        using var response = await client.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerToken = proof });

        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(new Dictionary<int, int> { [shop.CartProductId] = 4 }, await CartOfAsync(victim));
        Assert.Empty(await CartOfAsync(thief));
    }

    [Fact]
    public async Task Merge_with_the_storefronts_proof_moves_the_anonymous_cart()
    {
        var (buyer, anonymous) = (NewBuyer(), NewBuyer("anon"));
        await shop.Services.AddToCartAsync(anonymous, shop.CartProductId, 3);
        using var client = shop.Client(shop.Cart, TestTokens.For(buyer));

        using var response = await client.PostAsJsonAsync("api/cart/merge", new { anonymousBuyerToken = TestTokens.For(anonymous) });

        await response.ReadJsonAsync();
        Assert.Equal(new Dictionary<int, int> { [shop.CartProductId] = 3 }, await CartOfAsync(buyer));
        Assert.Empty(await CartOfAsync(anonymous));
    }

    // Finding 3: NUL in Catalog's filters reached PostgreSQL (500), and a failure once left a broken connection in the pool.

    [Theory]
    [InlineData("brand=%00")]
    [InlineData("category=a%00b")]
    [InlineData("q=%00")]
    [InlineData("q=running%00shoes")]
    [InlineData("brand=Stride%01well")]
    [InlineData("sort=name%1B")]
    public async Task Control_characters_in_catalog_filters_are_400_and_the_next_requests_are_served(string query)
    {
        using var client = shop.Catalog.CreateClient();
        using (var bad = await client.GetAsync($"api/catalog/products?{query}"))
        {
            var problem = await bad.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("control character", problem.GetProperty("detail").GetString());
        }

        // More requests than the pool has connections, so a broken one would be met.
        var brand = (await client.GetFromJsonAsync<JsonElement>("api/catalog/brands"))[0].GetProperty("name").GetString()!;
        for (var i = 0; i < 30; i++)
        {
            var path = (i % 3) switch
            {
                0 => $"api/catalog/products?brand={Uri.EscapeDataString(brand)}&page={1 + i % 2}",
                1 => $"api/catalog/products?q=running&pageSize={5 + i}",
                _ => $"api/catalog/suggest?q=ru{i}",
            };
            using var good = await client.GetAsync(path);
            Assert.True(good.StatusCode == HttpStatusCode.OK, $"{path} after a refused request answered {(int)good.StatusCode}: {await good.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_postgres_error_in_a_search_leaves_no_broken_connection_in_the_pool()
    {
        // Past the HTTP guard, straight at the engine: PostgreSQL itself refuses the NUL.
        var engine = shop.Catalog.App.Services.GetRequiredService<PostgresProductSearch>();
        for (var i = 0; i < 5; i++)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() =>
                engine.SearchAsync(new ProductSearchQuery(i % 2 == 0 ? null : "running", "a\0b", null, null, null, ProductSort.Relevance, 1, 20), default));
            Assert.Contains("22021", error.ToString());
        }

        var searches = Enumerable.Range(0, 60).Select(i =>
            engine.SearchAsync(new ProductSearchQuery(i % 2 == 0 ? null : "running", null, null, null, null, ProductSort.Relevance, 1 + i % 3, 10), default));
        var results = await Task.WhenAll(searches);
        Assert.All(results, r => Assert.True(r.Total > 0));
    }

    [Fact]
    public async Task Control_characters_in_json_text_are_400_and_create_nothing()
    {
        var before = await shop.StateAsync();
        using var admin = shop.Client(shop.Catalog, TestTokens.Admin());
        using var response = await admin.PostAsync("api/catalog/products", Json(
            """{"sku":"NUL-0001","name":"Nul\u0000name","description":"d","brand":"Testing Co","category":"Test Goods","price":5,"currency":"USD"}"""));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("U+0000", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await shop.StateAsync());
    }

    [Theory]
    [InlineData("api/orders?page=2147483647")]
    [InlineData("api/orders?page=0")]
    [InlineData("api/orders?pageSize=0")]
    [InlineData("api/orders?pageSize=1000")]
    [InlineData("api/admin/orders?page=2147483647")]
    [InlineData("api/admin/orders?page=1073741824&pageSize=100")]
    public async Task Order_pages_out_of_range_are_400(string path)
    {
        using var client = shop.Client(shop.Ordering, path.Contains("admin") ? TestTokens.Admin() : TestTokens.For(shop.Buyer));
        using var response = await client.GetAsync(path);
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    public static TheoryData<string, string> TokensWithoutABuyer => new()
    {
        { "no sub", CraftedTokens.WithoutSub() },
        { "empty sub", CraftedTokens.WithSub("") },
        { "blank sub", CraftedTokens.WithSub("   ") },
        { "two subs", CraftedTokens.WithSub(new[] { "buyer-a", "buyer-b" }) },
        { "sub with a NUL", CraftedTokens.WithSub("buyer\u0000x") },
        { "sub of 201 characters", CraftedTokens.WithSub(new string('b', 201)) },
    };

    [Theory]
    [MemberData(nameof(TokensWithoutABuyer))]
    public async Task A_signed_token_that_names_no_buyer_is_401_on_every_service(string _, string token)
    {
        var before = await shop.StateAsync();
        (KestrelApp App, HttpMethod Method, string Path, string? Body)[] routes =
        [
            (shop.Ordering, HttpMethod.Get, "api/orders", null),
            (shop.Ordering, HttpMethod.Get, $"api/orders/{shop.OrderId}", null),
            (shop.Ordering, HttpMethod.Post, $"api/orders/{shop.OrderId}/cancel", null),
            (shop.Cart, HttpMethod.Get, "api/cart", null),
            (shop.Cart, HttpMethod.Put, $"api/cart/items/{shop.CartProductId}", """{"quantity":1}"""),
            (shop.Cart, HttpMethod.Delete, "api/cart", null),
        ];
        foreach (var (app, method, path, body) in routes)
        {
            using var client = shop.Client(app, token);
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
            await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var ordering = shop.Client(shop.Ordering, token);
        using var checkout = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = JsonContent.Create(ShopServices.CheckoutBody()) };
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var checkoutResponse = await ordering.SendAsync(checkout);
        await checkoutResponse.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await shop.StateAsync());
    }

    [Fact]
    public async Task An_admin_token_that_names_no_buyer_is_401()
    {
        var claims = CraftedTokens.Claims(null);
        claims["role"] = "admin";
        using var admin = shop.Client(shop.Catalog, CraftedTokens.Signed(claims));
        using var response = await admin.PostAsync($"api/catalog/products/{shop.ProductId}/stock", Json("""{"delta":5}"""));
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    // Finding 4: the 15-minute cap was measured from the token's own iat.

    [Fact]
    public async Task A_token_expiring_in_a_year_is_401_whatever_its_iat_says()
    {
        var token = CraftedTokens.YearLongWithLateIat();
        foreach (var (app, path) in new[] { (shop.Ordering, "api/orders"), (shop.Cart, "api/cart") })
        {
            using var client = shop.Client(app, token);
            using var response = await client.GetAsync(path);
            await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        var admin = CraftedTokens.Claims("admin-late-iat");
        admin["role"] = "admin";
        admin["exp"] = CraftedTokens.Now + 365 * 86400;
        admin["iat"] = CraftedTokens.Now + 365 * 86400 - 300;
        admin.Remove("nbf");
        using var adminClient = shop.Client(shop.Ordering, CraftedTokens.Signed(admin));
        using var adminResponse = await adminClient.GetAsync("api/admin/orders");
        await adminResponse.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_within_the_cap_is_still_accepted()
    {
        var claims = CraftedTokens.Claims(shop.Buyer);
        claims["exp"] = CraftedTokens.Now + 14 * 60;
        claims.Remove("nbf");
        claims.Remove("iat");
        using var client = shop.Client(shop.Ordering, CraftedTokens.Signed(claims));
        using var response = await client.GetAsync("api/orders");
        await response.ReadJsonAsync();
    }

    // Finding 10: numbers as strings, flag lists as a status, and any Luhn-valid card were accepted.

    [Theory]
    [InlineData("""{"delta":"5"}""")]
    [InlineData("""{"delta":"-5"}""")]
    [InlineData("""{"delta":"0x05"}""")]
    [InlineData("""{"delta":"NaN"}""")]
    public async Task A_stock_delta_sent_as_a_string_is_400_and_changes_no_stock(string body)
    {
        var before = await shop.StateAsync();
        using var admin = shop.Client(shop.Catalog, TestTokens.Admin());
        using var response = await admin.PostAsync($"api/catalog/products/{shop.ProductId}/stock", Json(body));
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await shop.StateAsync());
    }

    [Fact]
    public async Task A_cart_quantity_or_a_price_sent_as_a_string_is_400()
    {
        var before = await shop.StateAsync();
        using var cart = shop.Client(shop.Cart, TestTokens.For(shop.Buyer));
        using var quantity = await cart.PutAsync($"api/cart/items/{shop.CartProductId}", Json("""{"quantity":"7"}"""));
        await quantity.ReadProblemAsync(HttpStatusCode.BadRequest);

        using var admin = shop.Client(shop.Catalog, TestTokens.Admin());
        using var price = await admin.PostAsync("api/catalog/products", Json(
            """{"sku":"STR-0001","name":"n","description":"d","brand":"Testing Co","category":"Test Goods","price":"5.00","currency":"USD"}"""));
        await price.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await shop.StateAsync());
    }

    [Theory]
    [InlineData("Paid,Cancelled")]
    [InlineData("Paid, Cancelled")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("Paid|Cancelled")]
    public async Task A_status_filter_that_names_no_single_state_is_400(string status)
    {
        using var admin = shop.Client(shop.Ordering, TestTokens.Admin());
        using var response = await admin.GetAsync($"api/admin/orders?status={Uri.EscapeDataString(status)}");
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("status", problem.ToString());
    }

    [Fact]
    public async Task A_status_filter_of_one_state_in_any_case_is_served()
    {
        using var admin = shop.Client(shop.Ordering, TestTokens.Admin());
        var page = await (await admin.GetAsync("api/admin/orders?status=pAiD")).ReadJsonAsync();
        Assert.Contains(page.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetGuid() == shop.OrderId);
    }

    [Theory]
    [InlineData("0000 0000 0000 0000")]
    [InlineData("0000000000000000000")]
    [InlineData("1000 0000 0000 0008")]
    [InlineData("7000 0000 0000 0005")]
    [InlineData("9999 9999 9999 9995")]
    public async Task A_luhn_valid_number_outside_the_card_networks_is_400_and_charges_nothing(string card)
    {
        Assert.True(Commerce.Payments.CardRules.PassesLuhn(Commerce.Payments.CardRules.Digits(card)), $"{card} is meant to pass Luhn");
        var before = await shop.StateAsync();

        using var response = await shop.Services.CheckoutAsync(shop.Buyer, Guid.NewGuid().ToString(), ShopServices.CheckoutBody(card));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("payment.cardNumber", problem.GetProperty("errors").ToString());
        Assert.Equal(before, await shop.StateAsync());
    }
}
