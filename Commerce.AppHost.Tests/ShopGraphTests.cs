using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Commerce.ServiceDefaults.Auth;

namespace Commerce.AppHost.Tests;

/// <summary>
/// The AppHost graph as `dotnet run --project Commerce.AppHost` starts it: every resource becomes
/// healthy, and a buyer places an order through the services the storefront calls (Catalog, Cart,
/// Ordering), with a token signed by the key pair the graph was given, and the order gets paid.
/// </summary>
public sealed class ShopGraphTests
{
    // Every resource of Commerce.AppHost/AppHost.cs except the opt-in Elasticsearch and the pgAdmin UI.
    private static readonly string[] Resources =
        ["postgres", "catalogdb", "orderingdb", "identitydb", "cache", "messaging", "catalog", "cart", "ordering", "web"];

    [Fact]
    public async Task Every_resource_gets_healthy_and_a_buyer_can_order_and_pay()
    {
        // Container images are pulled on a first run: minutes, not seconds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = timeout.Token;

        var (signingKey, publicKey) = RsaKeys.CreatePair();
        string[] args =
        [
            $"--Parameters:auth-signing-key={signingKey}",
            $"--Parameters:auth-public-key={publicKey}",
            $"--Parameters:admin-password={Guid.NewGuid():N}",
        ];
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Commerce_AppHost>(args, ct);
        await using var app = await appHost.BuildAsync(ct);
        await app.StartAsync(ct);

        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }

        using var issuer = new ServiceTokenIssuer(signingKey);
        var buyer = $"apphost-test-{Guid.NewGuid():N}";

        // A product that is in stock, as the storefront's product list shows it.
        using var catalog = app.CreateHttpClient("catalog", "http");
        var page = await catalog.GetFromJsonAsync<JsonElement>("/api/catalog/products?page=1&pageSize=50", ct);
        var product = page.GetProperty("items").EnumerateArray()
            .First(p => p.GetProperty("availableStock").GetInt32() > 0);
        var productId = product.GetProperty("id").GetInt32();
        var price = product.GetProperty("price").GetDecimal();

        using var cart = app.CreateHttpClient("cart", "http");
        cart.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(buyer));
        using (var put = await cart.PutAsJsonAsync($"/api/cart/items/{productId}", new { quantity = 2 }, ct))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT cart item: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
        }

        using var ordering = app.CreateHttpClient("ordering", "http");
        ordering.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(buyer));
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new
            {
                shippingAddress = new { name = "Ada Lovelace", street = "12 St James's Square", city = "London", postalCode = "SW1Y 4JH", country = "GB" },
                payment = new
                {
                    cardNumber = "4242 4242 4242 4242",
                    expiry = DateTime.UtcNow.AddYears(3).ToString("MM/yy", CultureInfo.InvariantCulture),
                    cvc = "123",
                    cardholderName = "Ada Lovelace",
                },
            }),
        };
        submit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var submitted = await ordering.SendAsync(submit, ct);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted,
            $"POST /api/orders: {(int)submitted.StatusCode} {await submitted.Content.ReadAsStringAsync(ct)}");
        var location = submitted.Headers.Location ?? throw new Xunit.Sdk.XunitException("POST /api/orders answered 202 without a Location.");

        // Stock reservation and payment run over RabbitMQ: poll until the order settles.
        JsonElement order;
        string? status;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            order = await ordering.GetFromJsonAsync<JsonElement>(location, ct);
            status = order.GetProperty("status").GetString();
        }
        while (status is "Submitted" or "StockReserved" && DateTime.UtcNow < deadline);

        Assert.Equal("Paid", status);
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal(productId, line.GetProperty("productId").GetInt32());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        Assert.Equal(price * 2, order.GetProperty("total").GetDecimal());

        // The storefront, the graph's only external endpoint, serves its home page.
        using var web = app.CreateHttpClient("web", "http");
        using var home = await web.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }
}
