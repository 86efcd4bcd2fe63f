using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Web.Security;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Web;

/// <summary>
/// Every state-changing storefront request needs the antiforgery token and must come from the
/// shop itself, whatever it reads from its body: a forged post changes nothing.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed partial class AntiforgeryTests(ShopStack shop)
{
    private static string NewEmail() => $"csrf-{Guid.NewGuid():N}@shop.test";

    /// <summary>The storefront's routes that accept POST, read from its own endpoint table, with their parameters filled in.</summary>
    private IReadOnlyList<string> PostRoutes()
    {
        var endpoints = shop.Web.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || methods.HttpMethods.Contains("POST"))
            .Select(e => RouteParameter().Replace("/" + e.RoutePattern.RawText!.TrimStart('/'),
                m => m.Groups["constraint"].Value.Contains("int", StringComparison.Ordinal) ? "1" : "00000000-0000-0000-0000-000000000001"))
            .Distinct()
            .OrderBy(r => r, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<WebSession> AdminAsync()
    {
        var admin = shop.NewSession();
        using var signIn = await admin.SignInAsync(shop.AdminEmail, shop.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return admin;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what} answered {(int)response.StatusCode}, not 400: {body[..Math.Min(300, body.Length)]}");
        Assert.Contains(AntiforgeryEnforcement.RefusalDetail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_post_route_refuses_a_request_without_a_token_whatever_its_content_type()
    {
        var routes = PostRoutes();
        // The table is read, not listed by hand: a route added later is checked too.
        foreach (var known in (string[])["/account/sign-out", "/cart/add/1", "/cart/items/1/remove", "/orders/00000000-0000-0000-0000-000000000001/cancel",
                     "/admin/orders/00000000-0000-0000-0000-000000000001/ship", "/admin/products/1/stock", "/account/sign-in", "/checkout"])
        {
            Assert.Contains(known, routes);
        }

        using var admin = await AdminAsync();
        foreach (var route in routes)
        {
            foreach (var content in (HttpContent[])[new StringContent("quantity=1", Encoding.UTF8, "text/plain"),
                         new FormUrlEncodedContent(new Dictionary<string, string> { ["quantity"] = "1" }), new StringContent("", Encoding.UTF8, "application/json")])
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
                using var response = await admin.SendAsync(request);
                await AssertRefusedAsync(response, $"POST {route} ({content.Headers.ContentType?.MediaType}) without a token");
            }
        }
    }

    [Fact]
    public async Task Every_post_route_refuses_a_request_from_another_site_even_with_a_token()
    {
        using var admin = await AdminAsync();
        var token = await admin.AntiforgeryTokenAsync("/");
        foreach (var route in PostRoutes())
        {
            foreach (var (header, value) in (ValueTuple<string, string>[])[("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")])
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, route)
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["quantity"] = "1" }),
                };
                request.Headers.Add(header, value);
                using var response = await admin.SendAsync(request);
                await AssertRefusedAsync(response, $"POST {route} with {header}: {value}");
            }
        }
    }

    [Fact]
    public async Task A_forged_ship_or_cancel_leaves_the_order_as_it_was()
    {
        var email = NewEmail();
        using var buyer = shop.NewSession();
        await buyer.RegisterAsync(email, "a long enough password");
        var buyerId = await shop.BuyerIdOfAsync(email);
        var product = (await shop.InStockProductIdsAsync(1))[0];
        var orderId = await shop.Services.PlaceOrderAsync(buyerId, product, 1);
        Assert.Equal("Paid", (await shop.Services.WaitForFinalAsync(buyerId, orderId)).GetProperty("status").GetString());

        using var admin = await AdminAsync();
        using (var ship = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/admin/orders/{orderId}/ship")))
        {
            await AssertRefusedAsync(ship, "a ship without a token");
        }

        using (var cancel = await buyer.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/orders/{orderId}/cancel") { Content = new StringContent("x", Encoding.UTF8, "text/plain") }))
        {
            await AssertRefusedAsync(cancel, "a text/plain cancel without a token");
        }

        Assert.Equal("Paid", (await shop.Services.GetOrderAsync(buyerId, orderId)).GetProperty("status").GetString());

        // The same ship with the page's token goes through: the refusal was the token's doing.
        var token = await admin.AntiforgeryTokenAsync($"/admin/orders/{orderId}");
        using var shipped = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/admin/orders/{orderId}/ship")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        });
        Assert.Equal(HttpStatusCode.Redirect, shipped.StatusCode);
        Assert.Equal("Shipped", (await shop.Services.GetOrderAsync(buyerId, orderId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_forged_sign_out_or_cart_remove_changes_nothing()
    {
        using var session = shop.NewSession();
        await session.RegisterAsync(NewEmail(), "a long enough password");
        var product = (await shop.InStockProductIdsAsync(1))[0];
        using (var add = await session.PostFormAsync($"/products/{product}", $"/cart/add/{product}", new Dictionary<string, string> { ["quantity"] = "2" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        }

        var token = await session.AntiforgeryTokenAsync("/cart");
        foreach (var route in (string[])["/account/sign-out", $"/cart/items/{product}/remove"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, route)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
            };
            request.Headers.Add("Origin", "https://evil.example");
            using var response = await session.SendAsync(request);
            await AssertRefusedAsync(response, $"a cross-site POST {route}");
            using var bare = await session.SendAsync(new HttpRequestMessage(HttpMethod.Post, route));
            await AssertRefusedAsync(bare, $"POST {route} without a token");
        }

        var (_, cart) = await session.GetAsync("/cart");
        Assert.Contains("Sign out", cart);
        Assert.Contains($"href=\"/products/{product}\"", cart);
        Assert.Contains("data-cart-count>2<", cart);
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>\w+)(?<constraint>:[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
