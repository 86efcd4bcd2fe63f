using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Commerce.Tests.Infrastructure;
using Commerce.Tests.Ordering;
using Commerce.Tests.Recommendations;

namespace Commerce.Tests.Web;

/// <summary>
/// The shop with Recommendations beside it, and three storefronts on it: one that reaches
/// Recommendations, one whose Recommendations is down (nothing listens), and one whose
/// Recommendations accepts connections and never answers.
/// </summary>
public sealed class RecommendationsShopStack : ShopStack, IAsyncLifetime
{
    private Dictionary<string, string?> _webSettings = [];
    private TcpListener? _hanging;

    public KestrelApp Recommendations { get; private set; } = null!;
    public KestrelApp WithRecommendations { get; private set; } = null!;
    public KestrelApp RecommendationsDown { get; private set; } = null!;
    public KestrelApp RecommendationsHanging { get; private set; } = null!;

    protected override string? Messaging => MessagingHost;

    protected override IReadOnlyDictionary<string, string?> WebSettings => _webSettings;

    public new async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        // Recommendations must share the shop's broker: one virtual host, chosen here.
        MessagingHost = await servers.RabbitMq.CreateVirtualHostAsync($"rec-shop-{Guid.NewGuid():N}");
        await base.InitializeAsync();
        Recommendations = await RecommendationsService.StartAsync(MessagingHost, Catalog.BaseAddress);

        _hanging = new TcpListener(System.Net.IPAddress.Loopback, 0);
        _hanging.Start(backlog: 512);
        var hangingAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_hanging.LocalEndpoint).Port}/");

        WithRecommendations = await WebWithAsync(Recommendations.BaseAddress);
        RecommendationsDown = await WebWithAsync(ClosedAddress());
        RecommendationsHanging = await WebWithAsync(hangingAddress);
    }

    private string? MessagingHost { get; set; }

    private async Task<KestrelApp> WebWithAsync(Uri recommendations)
    {
        _webSettings = new Dictionary<string, string?> { ["services:recommendations:http:0"] = recommendations.ToString() };
        return await StartWebAsync(Catalog.BaseAddress, Cart.BaseAddress, Ordering.BaseAddress);
    }

    public new async Task DisposeAsync()
    {
        foreach (var app in new[] { WithRecommendations, RecommendationsDown, RecommendationsHanging, Recommendations })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        _hanging?.Stop();
        await base.DisposeAsync();
    }
}

public sealed partial class RecommendationsStorefrontTests(RecommendationsShopStack shop) : IClassFixture<RecommendationsShopStack>
{
    [Fact]
    public async Task Product_page_cart_and_home_show_recommendations_priced_and_stocked_by_catalog_now()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var a = await shop.Services.CreateProductAsync(30m, 50, $"Pour-over kettle {tag}");
        var b = await shop.Services.CreateProductAsync(12.5m, 50, $"Paper filters {tag}");
        var c = await shop.Services.CreateProductAsync(8m, 50, $"Burr grinder {tag}");
        var buyer = $"buyer-{Guid.NewGuid():N}";
        await shop.Services.AddToCartAsync(buyer, a, 1);
        await shop.Services.AddToCartAsync(buyer, b, 1);
        await shop.Services.AddToCartAsync(buyer, c, 1);
        using var checkout = await shop.Services.CheckoutAsync(buyer, Guid.NewGuid().ToString());
        var orderId = (await Catalog.CatalogService.JsonAsync(checkout)).GetProperty("id").GetGuid();
        Assert.Equal("Paid", (await shop.Services.WaitForFinalAsync(buyer, orderId)).GetProperty("status").GetString());

        using (var recommendations = shop.Recommendations.CreateClient())
        {
            await RecommendationsService.WaitForAsync(async () =>
                (await RecommendationsService.RecommendedAsync(recommendations, a)).Count(r => r.Id == b || r.Id == c) == 2, "B and C under A");
        }

        // C sells out after the order: Recommendations still ranks it, the storefront must not show it.
        using (var admin = ShopServices.As(shop.Catalog, TestTokens.Admin()))
        {
            var (available, _) = await shop.Services.StockAsync(c);
            using var adjust = await admin.PostAsJsonAsync($"api/catalog/products/{c}/stock", new { delta = -available });
            Assert.True(adjust.IsSuccessStatusCode, $"the stock adjustment answered {(int)adjust.StatusCode}");
        }

        using var session = new WebSession(shop.WithRecommendations.BaseAddress);
        var (status, page) = await session.GetAsync($"/products/{a}");
        Assert.Equal(HttpStatusCode.OK, status);
        var shelf = Shelf(page, "also-bought");
        Assert.Contains("Customers also bought", shelf);
        Assert.Contains($"Paper filters {tag}", shelf);
        Assert.Contains("$12.50", shelf);
        Assert.DoesNotContain($"Burr grinder {tag}", shelf);

        using var add = await session.PostFormAsync($"/products/{a}", $"/cart/add/{a}", new Dictionary<string, string> { ["quantity"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        var (cartStatus, cart) = await session.GetAsync("/cart");
        Assert.Equal(HttpStatusCode.OK, cartStatus);
        var cartShelf = Shelf(cart, "also-bought");
        Assert.Contains($"Paper filters {tag}", cartShelf);
        Assert.DoesNotContain($"Pour-over kettle {tag}", cartShelf);

        var (_, home) = await session.GetAsync("/");
        Assert.Contains("Trending now", Shelf(home, "trending"));
    }

    [Fact]
    public async Task With_recommendations_down_the_product_page_and_checkout_work_without_the_section()
    {
        using var session = new WebSession(shop.RecommendationsDown.BaseAddress);
        await session.RegisterAsync($"buyer-{Guid.NewGuid():N}@shop.test", "a long enough password");
        var id = (await shop.InStockProductIdsAsync(3))[1];
        for (var i = 0; i < 6; i++)
        {
            var (status, page) = await session.GetAsync($"/products/{id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("Add to cart", page);
            Assert.DoesNotContain("data-testid=\"also-bought\"", page);
        }

        using var add = await session.PostFormAsync($"/products/{id}", $"/cart/add/{id}", new Dictionary<string, string> { ["quantity"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        var (cartStatus, cart) = await session.GetAsync("/cart");
        Assert.Equal(HttpStatusCode.OK, cartStatus);
        Assert.DoesNotContain("data-testid=\"also-bought\"", cart);

        var (_, checkoutPage) = await session.GetAsync("/checkout");
        using var placed = await session.PostBlazorFormAsync("/checkout", "checkout",
            CheckoutPageTests.Form(IdempotencyKey().Match(checkoutPage).Groups[1].Value));
        Assert.True(placed.StatusCode == HttpStatusCode.Redirect, $"checkout answered {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
        var orderPath = placed.Headers.Location!.OriginalString.Split('?')[0];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? orderStatus;
        do
        {
            using var response = await session.GetResponseAsync(orderPath + "/status");
            orderStatus = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString();
            Assert.True(DateTime.UtcNow < deadline, $"order {orderPath} is still {orderStatus} after 60 s");
            await Task.Delay(200);
        }
        while (orderStatus is not ("Paid" or "Cancelled"));
        Assert.Equal("Paid", orderStatus);
    }

    [Fact]
    public async Task A_recommendations_service_that_never_answers_costs_a_page_at_most_its_short_timeout()
    {
        using var session = new WebSession(shop.RecommendationsHanging.BaseAddress);
        var id = (await shop.InStockProductIdsAsync(2))[0];
        // The shared test settings let other calls wait 15 s per attempt; this client has its own
        // limit (1 s in all), and its breaker opens after a few failures so later pages do not wait at all.
        for (var i = 0; i < 6; i++)
        {
            var watch = Stopwatch.StartNew();
            var (status, page) = await session.GetAsync($"/products/{id}");
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("Add to cart", page);
            Assert.DoesNotContain("data-testid=\"also-bought\"", page);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"product page {i + 1} took {watch.Elapsed.TotalSeconds:0.0} s with Recommendations hanging");
        }
    }

    /// <summary>The section with the test id, or a failure naming what the page held instead.</summary>
    private static string Shelf(string html, string testId)
    {
        var start = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the page has no '{testId}' section");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("name=\"Input.IdempotencyKey\" value=\"([^\"]*)\"")]
    private static partial Regex IdempotencyKey();
}
