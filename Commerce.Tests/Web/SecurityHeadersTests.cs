using System.Net;
using Commerce.Tests.Infrastructure;
using Commerce.Web;
using Commerce.Web.Security;

namespace Commerce.Tests.Web;

/// <summary>What every response tells the browser, and what no response tells a prober.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class SecurityHeadersTests(ShopStack shop)
{
    [Fact]
    public async Task Every_kind_of_storefront_response_carries_the_security_headers()
    {
        var product = (await shop.InStockProductIdsAsync(1))[0];
        using var session = shop.NewSession();
        foreach (var path in (string[])["/", "/catalog", "/admin", "/account/sign-in", "/cart", $"/products/{product}", "/no-such-page",
                     "/assets/site.js", $"/images/products/{product}", "/search/suggest?q=he", "/health"])
        {
            using var response = await session.GetResponseAsync(path);
            Assert.True((int)response.StatusCode < 500, $"{path} answered {(int)response.StatusCode}");
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
            Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
            Assert.False(response.Headers.Contains("Server"), $"{path} names its server: {Header(response, "Server")}");
        }
    }

    [Fact]
    public async Task Pages_use_no_inline_script_or_style_the_policy_would_block()
    {
        using var session = shop.NewSession();
        foreach (var path in (string[])["/", "/catalog", "/account/sign-in", "/account/register", "/cart"])
        {
            var (_, html) = await session.GetAsync(path);
            Assert.DoesNotContain(" style=\"", html);
            Assert.DoesNotContain("<script>", html);
            Assert.DoesNotContain(" onclick=", html);
        }
    }

    [Fact]
    public async Task No_service_names_its_server()
    {
        foreach (var app in (KestrelApp[])[shop.Web, shop.Catalog, shop.Cart, shop.Ordering])
        {
            using var client = app.CreateClient();
            foreach (var path in (string[])["/health", "/no-such-route"])
            {
                using var response = await client.GetAsync(path);
                Assert.False(response.Headers.Contains("Server"), $"{app.BaseAddress}{path} sends Server: {Header(response, "Server")}");
            }
        }
    }

    [Fact]
    public async Task A_redirect_never_names_the_host_the_client_sent()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = shop.Web.BaseAddress };
        foreach (var path in (string[])["/admin", "/orders", "/checkout"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "evil.example";
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!.OriginalString;
            Assert.DoesNotContain("evil.example", location);
            Assert.StartsWith("/account/sign-in", location);
        }
    }

    [Fact]
    public async Task In_production_only_the_allowed_hosts_are_answered()
    {
        await using var web = await KestrelApp.StartServiceAsync(WebApp.Build, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["ConnectionStrings:identitydb"] = shop.IdentityConnectionString,
            ["Auth:SigningKey"] = TestTokens.SigningKeyPem,
            ["services:catalog:http:0"] = shop.Catalog.BaseAddress.ToString(),
            ["services:cart:http:0"] = shop.Cart.BaseAddress.ToString(),
            ["services:ordering:http:0"] = shop.Ordering.BaseAddress.ToString(),
        }, WebApp.InitializeAsync);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = web.BaseAddress };

        foreach (var host in (string[])["evil.example", "shop.evil.example", "azurecontainerapps.io.evil.example"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
            request.Headers.Host = host;
            using var refused = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
        }

        foreach (var host in (string[])[web.BaseAddress.Authority, "web.happy-sea-123.westeurope.azurecontainerapps.io"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
            request.Headers.Host = host;
            using var answered = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";
}
