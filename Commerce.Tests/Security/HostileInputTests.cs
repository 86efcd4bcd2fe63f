using System.Net;
using System.Text;
using System.Text.Json;
using Commerce.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Commerce.Tests.Security;

/// <summary>
/// The hostile-input suite: every line of <see cref="HostileInputCases"/> is sent to the real
/// services or storefront, and must get the answer it expects (a 4xx ProblemDetails from a service,
/// never a 5xx anywhere) and change nothing: products and stock, reservations, orders, payments,
/// charges, carts and accounts are compared before and after.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class HostileInputTests(SecurityShop shop, ITestOutputHelper output)
{
    private static readonly string Long = new('a', 10_000);

    public static TheoryData<Hostile> Cases => new(HostileInputCases.All);

    [Fact]
    public void The_suite_sends_at_least_150_distinct_requests_to_every_service_and_the_storefront()
    {
        var distinct = HostileInputCases.All.Distinct().ToList();
        Assert.True(distinct.Count == HostileInputCases.All.Length,
            $"duplicate cases: {string.Join("; ", HostileInputCases.All.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key))}");
        Assert.True(distinct.Count >= 150, $"only {distinct.Count} cases");
        foreach (var service in Enum.GetValues<Svc>())
        {
            Assert.True(distinct.Count(c => c.Service == service) >= 20, $"{service} has only {distinct.Count(c => c.Service == service)} cases");
        }

        // Every route of every service is probed.
        string[] routes =
        [
            "api/catalog/products?", "api/catalog/products/", "/image", "api/catalog/suggest", "api/catalog/brands", "api/catalog/categories", "/stock",
            "api/cart", "api/cart/items/", "api/cart/merge",
            "api/orders", "/cancel", "/ship", "api/admin/orders",
            "/catalog", "/products/", "/images/products/", "/search/suggest", "/cart/add/", "/account/register", "/account/sign-in", "/orders/",
            "/account/sign-out", "/admin/orders/", "/remove",
        ];
        foreach (var route in routes)
        {
            Assert.Contains(distinct, c => c.Path.Contains(route, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_storefront_sessions_the_cases_use_are_signed_in_and_own_what_the_cases_target()
    {
        // Otherwise a forged post would be refused for want of a session, not for want of a token.
        var (_, home) = await shop.Shopper.GetAsync("/");
        Assert.Contains("Sign out", home);
        var (orderStatus, order) = await shop.Shopper.GetAsync($"/orders/{shop.ShopperOrderId}");
        Assert.Equal(HttpStatusCode.OK, orderStatus);
        // Paid, so Ordering would refuse the buyer's cancel anyway: those cases show the refusal
        // itself (a 400 ProblemDetails where the endpoint would redirect); ship and the admin's
        // cancel would change this paid order for real.
        Assert.Contains(shop.ShopperOrderId.ToString(), order);
        var (_, cart) = await shop.Shopper.GetAsync("/cart");
        Assert.Contains($"/cart/items/{shop.CartProductId}/remove", cart);
        var (adminStatus, admin) = await shop.AdminSession.GetAsync($"/admin/orders/{shop.OrderId}");
        Assert.Equal(HttpStatusCode.OK, adminStatus);
        Assert.Contains($"/admin/orders/{shop.OrderId}/ship", admin);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_request_is_refused_and_changes_nothing(Hostile hostile)
    {
        var before = await shop.StateAsync();

        var (status, contentType, body, location) = await SendAsync(hostile);

        output.WriteLine($"{hostile} → {status} {contentType}{(location is null ? "" : $" Location: {location}")}\n{(body.Length > 600 ? body[..600] + "…" : body)}");
        Assert.True(status < 500, $"{hostile} answered {status}: {body}");
        if (location is not null)
        {
            // Relative, or absolute to the storefront itself: never to a host the request named.
            var target = new Uri(shop.Web.BaseAddress, location);
            Assert.True(target.Authority == shop.Web.BaseAddress.Authority, $"{hostile} redirected to {location}");
        }

        switch (hostile.Expect)
        {
            case Expect.Problem:
                Assert.True(status is >= 400 and < 500, $"{hostile} answered {status}, not a 4xx: {body}");
                Assert.True(contentType.StartsWith("application/problem+json", StringComparison.Ordinal), $"{hostile} answered {status} as '{contentType}', not ProblemDetails: {body}");
                var problem = JsonDocument.Parse(body).RootElement;
                Assert.Equal(status, problem.GetProperty("status").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), body);
                break;
            case Expect.ServerRefusal:
                Assert.True(status is >= 400 and < 500, $"{hostile} answered {status}, not a 4xx: {body}");
                break;
            case Expect.Served:
                Assert.True(status is >= 200 and < 300, $"{hostile} answered {status}: {body}");
                JsonDocument.Parse(body);
                break;
            case Expect.Page:
                break;
        }

        Assert.Equal(before, await shop.StateAsync());
    }

    private async Task<(int Status, string ContentType, string Body, string? Location)> SendAsync(Hostile hostile)
    {
        var app = hostile.Service switch
        {
            Svc.Catalog => shop.Catalog,
            Svc.Cart => shop.Cart,
            Svc.Ordering => shop.Ordering,
            _ => shop.Web,
        };
        var path = Expand(hostile.Path);
        var body = hostile.Body is null ? null : Expand(hostile.Body);
        var headers = hostile.Headers is null ? [] : Expand(hostile.Headers).Split("\r\n");
        if (hostile.Raw)
        {
            var head = new StringBuilder($"{hostile.Method} {path}");
            foreach (var line in headers)
            {
                head.Append("\r\n").Append(line);
            }

            var raw = await RawHttp.SendAsync(app.BaseAddress, head.ToString(), body);
            return (raw.Status, raw.ContentType, raw.Body, null);
        }

        if (hostile.Service == Svc.Web)
        {
            return await SendToStorefrontAsync(hostile, path, body, headers);
        }

        // A body over the limit is refused from its Content-Length, and the connection closed, while
        // the client may still be writing it (a broken pipe, not an answer). A client that sends
        // such a body asks first, as HTTP provides: the refusal then comes before any of it is sent.
        var oversized = body is { Length: > 1024 * 1024 };
        using var client = oversized
            ? new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) }
            : app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), path);
        request.Headers.ExpectContinue = oversized ? true : null;
        if (Token(hostile.Caller) is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var line in headers)
        {
            var (name, value) = (line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..].Trim());
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsStringAsync(), null);
    }

    /// <summary>
    /// A storefront request from a visitor's browser session: a new anonymous one, or the
    /// signed-in shopper's or operator's; a form is posted with that session's antiforgery token.
    /// </summary>
    private async Task<(int Status, string ContentType, string Body, string? Location)> SendToStorefrontAsync(
        Hostile hostile, string path, string? body, string[] headers)
    {
        var anonymous = hostile.Caller is not (Who.Shopper or Who.ShopAdmin) ? shop.NewSession() : null;
        try
        {
            var session = anonymous ?? (hostile.Caller == Who.Shopper ? shop.Shopper : shop.AdminSession);
            using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), path);
            if (hostile.Form is not null)
            {
                var token = await session.AntiforgeryTokenAsync(Expand(hostile.FormPage!));
                var fields = Expand(hostile.Form).Split('&', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2))
                    .Select(f => KeyValuePair.Create(Uri.UnescapeDataString(f[0]), Uri.UnescapeDataString(f[1])))
                    .Append(KeyValuePair.Create("__RequestVerificationToken", token));
                request.Content = new FormUrlEncodedContent(fields);
            }
            else if (body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
            }

            foreach (var line in headers)
            {
                var (name, value) = (line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..].Trim());
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Host = value;
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await session.SendAsync(request);
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsStringAsync(),
                response.Headers.Location?.OriginalString);
        }
        finally
        {
            anonymous?.Dispose();
        }
    }

    /// <summary>The Authorization header value for the caller, or null for none.</summary>
    private string? Token(Who caller)
    {
        var buyer = shop.Buyer;
        var token = caller switch
        {
            Who.None => null,
            Who.Buyer => TestTokens.For(buyer),
            Who.Admin => TestTokens.Admin(),
            Who.OtherKey => CraftedTokens.SignedWithOtherKey(CraftedTokens.Claims(buyer)),
            Who.OtherKeyAdmin => CraftedTokens.SignedWithOtherKey(CraftedTokens.AdminClaims("admin-1")),
            Who.Tampered => CraftedTokens.Tampered(TestTokens.For($"someone-{Guid.NewGuid():N}"), buyer),
            Who.TamperedAdmin => CraftedTokens.Tampered(TestTokens.For(buyer), CraftedTokens.AdminClaims(buyer)),
            Who.AlgNone => CraftedTokens.AlgNone(buyer),
            Who.AlgNoneAdmin => CraftedTokens.AlgNone(CraftedTokens.AdminClaims("admin-1")),
            Who.Hmac => CraftedTokens.HmacWithPublicKey(buyer),
            Who.HmacAdmin => CraftedTokens.HmacWithPublicKey(CraftedTokens.AdminClaims("admin-1")),
            Who.Expired => TestTokens.Issuer.Issue(buyer, lifetime: TimeSpan.FromMinutes(1), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-10)),
            Who.NoSub => CraftedTokens.WithoutSub(),
            Who.EmptySub => CraftedTokens.WithSub(""),
            Who.YearLong => CraftedTokens.Signed(CraftedTokens.YearLong(CraftedTokens.Claims(buyer))),
            Who.YearLongAdmin => CraftedTokens.Signed(CraftedTokens.YearLong(CraftedTokens.AdminClaims("admin-1"))),
            Who.OtherAudience => TestTokens.Issuer.Issue(buyer, audience: "someone-else"),
            Who.Garbage => "not.a.token",
            Who.EmptyBearer => "",
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };
        return caller == Who.None ? null : $"Bearer {token}".TrimEnd();
    }

    private string Expand(string text)
    {
        if (!text.Contains('{', StringComparison.Ordinal))
        {
            return text;
        }

        if (text == "{deep}")
        {
            return new string('[', 5_000) + new string(']', 5_000);
        }

        if (text == "{huge}")
        {
            return $"{{\"quantity\":1,\"delta\":1,\"padding\":\"{new string('x', 1_100_000)}\"}}";
        }

        var other = shop.OtherBuyer;
        return text
            .Replace("{product}", shop.ProductId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{cartProduct}", shop.CartProductId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{order}", shop.OrderId.ToString(), StringComparison.Ordinal)
            .Replace("{otherOrder}", shop.OtherOrderId.ToString(), StringComparison.Ordinal)
            .Replace("{otherBuyer}", other, StringComparison.Ordinal)
            .Replace("{buyerToken}", TestTokens.For(shop.Buyer), StringComparison.Ordinal)
            .Replace("{otherBuyerToken}", TestTokens.For(other), StringComparison.Ordinal)
            .Replace("{forgedProof}", CraftedTokens.SignedWithOtherKey(CraftedTokens.Claims(other)), StringComparison.Ordinal)
            .Replace("{tamperedProof}", CraftedTokens.Tampered(TestTokens.For(shop.Buyer), other), StringComparison.Ordinal)
            .Replace("{noneProof}", CraftedTokens.AlgNone(other), StringComparison.Ordinal)
            .Replace("{expiredProof}", TestTokens.Issuer.Issue(other, lifetime: TimeSpan.FromMinutes(1), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-10)), StringComparison.Ordinal)
            .Replace("{yearLongProof}", CraftedTokens.Signed(CraftedTokens.YearLong(CraftedTokens.Claims(other))), StringComparison.Ordinal)
            .Replace("{selfProof}", TestTokens.For(shop.Buyer), StringComparison.Ordinal)
            .Replace("{shopperOrder}", shop.ShopperOrderId.ToString(), StringComparison.Ordinal)
            .Replace("{visitorEmail}", Uri.EscapeDataString(shop.VisitorEmail), StringComparison.Ordinal)
            .Replace("{visitorPassword}", Uri.EscapeDataString(shop.VisitorPassword), StringComparison.Ordinal)
            .Replace("{key}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{long}", Long, StringComparison.Ordinal);
    }
}
