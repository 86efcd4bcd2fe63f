using System.Net;

namespace Commerce.Tests.Web;

/// <summary>Sessions end on the server when their owner signs out, and cookies are Secure behind TLS.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class SessionTests(ShopStack shop)
{
    [Fact]
    public async Task A_copied_session_cookie_stops_working_when_its_owner_signs_out()
    {
        using var owner = shop.NewSession();
        await owner.RegisterAsync($"session-{Guid.NewGuid():N}@shop.test", "a long enough password");
        var cookie = owner.Cookie("commerce.session");
        Assert.NotNull(cookie);

        using var thief = shop.NewSession();
        thief.Cookies.Add(thief.BaseAddress, new Cookie("commerce.session", cookie));
        using (var before = await thief.GetResponseAsync("/orders"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signOut = await owner.PostFormAsync("/", "/account/sign-out", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        using var after = await thief.GetResponseAsync("/orders");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/sign-in", after.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signing_out_ends_only_that_session()
    {
        var email = $"session-{Guid.NewGuid():N}@shop.test";
        using var phone = shop.NewSession();
        await phone.RegisterAsync(email, "a long enough password");
        using var laptop = shop.NewSession();
        using (var signIn = await laptop.SignInAsync(email, "a long enough password"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        using (var signOut = await phone.PostFormAsync("/", "/account/sign-out", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        using var still = await laptop.GetResponseAsync("/orders");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Behind_a_tls_proxy_every_cookie_is_secure()
    {
        var email = $"tls-{Guid.NewGuid():N}@shop.test";
        using (var s = shop.NewSession())
        {
            await s.RegisterAsync(email, "a long enough password");
        }

        using var session = shop.NewSession();
        var token = await session.AntiforgeryTokenAsync("/account/sign-in");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["_handler"] = "sign-in",
                ["Input.Email"] = email,
                ["Input.Password"] = "a long enough password",
            }),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await session.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var sessionCookie = Assert.Single(cookies, c => c.StartsWith("commerce.session=", StringComparison.Ordinal));
        Assert.Contains("secure", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        // The same request over plain HTTP without the proxy's word gets a cookie a browser would send over HTTP.
        using var plain = shop.NewSession();
        using var plainResponse = await plain.SignInAsync(email, "a long enough password");
        Assert.DoesNotContain("secure", plainResponse.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("commerce.session=", StringComparison.Ordinal)),
            StringComparison.OrdinalIgnoreCase);
    }
}
