using System.Net;

namespace Commerce.Tests.Web;

/// <summary>Storefront input that once gave a 5xx: odd return URLs and control characters in catalog filters.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class HostileInputPageTests(ShopStack shop)
{
    [Fact]
    public async Task Sign_in_with_a_non_ascii_return_url_signs_in_and_stays_on_this_site()
    {
        var email = $"return-{Guid.NewGuid():N}@shop.test";
        using (var s = shop.NewSession())
        {
            await s.RegisterAsync(email, "a long enough password");
        }

        using var session = shop.NewSession();
        using var response = await session.SignInAsync(email, "a long enough password", "/\u3002evil.example");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/%E3%80%82evil.example", response.Headers.Location!.OriginalString);
        Assert.NotNull(session.Cookie("commerce.session"));
        var (_, home) = await session.GetAsync("/");
        Assert.Contains("Sign out", home);
    }

    [Theory]
    [InlineData("/cart\t")]
    [InlineData("/\t/evil.example")]
    [InlineData("/cart\r\nSet-Cookie: injected=1")]
    [InlineData("/cart\n")]
    public async Task Adding_to_the_cart_with_a_control_character_in_the_return_url_goes_back_to_the_product(string returnUrl)
    {
        var product = (await shop.InStockProductIdsAsync(1))[0];
        using var session = shop.NewSession();
        using var response = await session.PostFormAsync($"/products/{product}", $"/cart/add/{product}",
            new Dictionary<string, string> { ["quantity"] = "1", ["returnUrl"] = returnUrl });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal($"/products/{product}", response.Headers.Location!.OriginalString);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("injected", StringComparison.Ordinal)));
        var (_, cart) = await session.GetAsync("/cart");
        Assert.Contains($"href=\"/products/{product}\"", cart);
    }

    [Fact]
    public async Task A_nul_in_the_cart_add_form_is_refused_or_ignored_never_a_server_error()
    {
        var product = (await shop.InStockProductIdsAsync(1))[0];
        using var session = shop.NewSession();
        using var response = await session.PostFormAsync($"/products/{product}", $"/cart/add/{product}",
            new Dictionary<string, string> { ["quantity"] = "1", ["returnUrl"] = "/\0" });
        // The form reader refuses a NUL before the endpoint runs (400, as a forged form is);
        // were it read, LocalUrl would not follow it.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Redirect, $"answered {(int)response.StatusCode}");
        Assert.NotEqual("/\0", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/catalog?brand=%00")]
    [InlineData("/catalog?category=a%00b")]
    [InlineData("/catalog?q=%00%01%1F")]
    [InlineData("/catalog?brand=%00&category=%00&q=%00&sort=%00&page=%00")]
    public async Task Control_characters_in_catalog_filters_show_a_page_not_an_outage(string path)
    {
        using var session = shop.NewSession();
        var (status, html) = await session.GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"{path} answered {(int)status}");
        Assert.DoesNotContain("not answering", html);
        Assert.Contains("product", html);
    }
}
