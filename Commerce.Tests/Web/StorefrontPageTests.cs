using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Tests.Catalog;
using Commerce.Web.Buyers;

namespace Commerce.Tests.Web;

/// <summary>Storefront pages over real HTTP against the real Catalog and Cart: what a browser gets, without a browser.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class StorefrontPageTests(ShopStack shop)
{
    private async Task<JsonElement> CatalogJsonAsync(string path)
    {
        using var client = shop.Catalog.CreateClient();
        using var response = await client.GetAsync(path);
        return await CatalogService.JsonAsync(response);
    }

    [Fact]
    public async Task Home_page_shows_products_from_the_catalog_and_issues_a_signed_anonymous_buyer_cookie()
    {
        using var session = shop.NewSession();
        var (status, html) = await session.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, status);
        var page = await CatalogJsonAsync("api/catalog/products?pageSize=8");
        var first = page.GetProperty("items")[0];
        Assert.Contains(WebUtility.HtmlEncode(first.GetProperty("name").GetString()!), html);
        Assert.Contains($"/products/{first.GetProperty("id").GetInt32()}", html);
        Assert.Contains("Featured", html);
        Assert.Contains("New arrivals", html);

        var cookie = session.Cookie(AnonymousBuyerCookie.CookieName);
        Assert.NotNull(cookie);
        Assert.False(Guid.TryParse(cookie, out _), "the buyer id must not travel in clear text");
    }

    [Fact]
    public async Task Catalog_search_tolerates_a_typo_and_shows_facets_with_counts()
    {
        using var session = shop.NewSession();
        var (status, html) = await session.GetAsync("/catalog?q=headphnes");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Headphones", html);
        Assert.Contains("class=\"facet-count\"", html);
        Assert.Contains("Results for", html);
    }

    [Fact]
    public async Task Catalog_filters_by_category_and_price_and_pages()
    {
        using var session = shop.NewSession();
        var (status, html) = await session.GetAsync("/catalog?category=Headphones&minPrice=50&maxPrice=400&sort=price_asc");
        Assert.Equal(HttpStatusCode.OK, status);

        var expected = await CatalogJsonAsync("api/catalog/products?category=Headphones&minPrice=50&maxPrice=400&sort=price_asc&pageSize=12");
        var total = expected.GetProperty("total").GetInt64();
        Assert.True(total > 0);
        Assert.Contains($"{total} product", html);
        foreach (var item in expected.GetProperty("items").EnumerateArray())
        {
            Assert.Contains($"/products/{item.GetProperty("id").GetInt32()}", html);
        }

        // Page 2 of everything lists other products than page 1.
        var (_, page2) = await session.GetAsync("/catalog?page=2");
        Assert.Contains("aria-current=\"page\">2<", page2);
    }

    [Fact]
    public async Task A_hand_edited_catalog_url_still_shows_a_page()
    {
        using var session = shop.NewSession();
        var (status, html) = await session.GetAsync("/catalog?page=-4&minPrice=abc&maxPrice=-1&sort=bogus");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("All products", html);
    }

    [Fact]
    public async Task Product_page_shows_price_stock_and_an_add_to_cart_form()
    {
        var product = (await CatalogJsonAsync("api/catalog/products?pageSize=1&sort=name")).GetProperty("items")[0];
        using var session = shop.NewSession();
        var (status, html) = await session.GetAsync($"/products/{product.GetProperty("id").GetInt32()}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(WebUtility.HtmlEncode(product.GetProperty("name").GetString()!), html);
        Assert.Contains(product.GetProperty("price").GetDecimal().ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.Contains("Add to cart", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
        Assert.Contains($"alt=\"{WebUtility.HtmlEncode(product.GetProperty("name").GetString()!)}\"", html);
    }

    [Fact]
    public async Task Unknown_product_and_unknown_page_answer_404_with_a_friendly_page()
    {
        using var session = shop.NewSession();
        var (productStatus, productHtml) = await session.GetAsync("/products/999999");
        var (pageStatus, pageHtml) = await session.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, productStatus);
        Assert.Contains("We could not find that page", productHtml);
        Assert.Equal(HttpStatusCode.NotFound, pageStatus);
        Assert.Contains("We could not find that page", pageHtml);
        Assert.DoesNotContain("Exception", pageHtml);
    }

    [Fact]
    public async Task Suggestions_complete_a_prefix_and_ignore_one_letter()
    {
        using var session = shop.NewSession();
        using var response = await session.GetResponseAsync("/search/suggest?q=head");
        var suggestions = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var tooShort = await session.GetResponseAsync("/search/suggest?q=h");
        var none = await tooShort.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(suggestions.GetArrayLength() > 0);
        Assert.All(suggestions.EnumerateArray(), s => Assert.StartsWith("/", s.GetProperty("url").GetString()));
        Assert.Contains(suggestions.EnumerateArray(), s => s.GetProperty("text").GetString()!.Contains("Head", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, none.GetArrayLength());
    }

    [Fact]
    public async Task Product_images_are_served_through_the_storefront()
    {
        var id = (await CatalogJsonAsync("api/catalog/products?pageSize=1")).GetProperty("items")[0].GetProperty("id").GetInt32();
        using var session = shop.NewSession();
        using var response = await session.GetResponseAsync($"/images/products/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("image/", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task Adding_to_the_cart_before_sign_in_shows_in_the_badge_and_the_cart_page()
    {
        var product = (await CatalogJsonAsync("api/catalog/products?category=Backpacks&pageSize=24")).GetProperty("items")
            .EnumerateArray().First(p => p.GetProperty("availableStock").GetInt32() >= 5);
        var id = product.GetProperty("id").GetInt32();
        using var session = shop.NewSession();

        using var add = await session.PostFormAsync($"/products/{id}", $"/cart/add/{id}",
            new Dictionary<string, string> { ["quantity"] = "2", ["returnUrl"] = $"/products/{id}" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        Assert.Equal($"/products/{id}", add.Headers.Location?.OriginalString);

        var (_, productHtml) = await session.GetAsync($"/products/{id}");
        Assert.Contains("Added 2 ×", productHtml);
        Assert.Contains("data-cart-count>2<", productHtml);

        var (status, cartHtml) = await session.GetAsync("/cart");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(WebUtility.HtmlEncode(product.GetProperty("name").GetString()!), cartHtml);
        Assert.Contains("value=\"2\"", cartHtml);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var session = shop.NewSession();
        await session.GetAsync("/");
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = session.Cookies, AllowAutoRedirect = false }) { BaseAddress = session.BaseAddress };
        using var response = await client.PostAsync("/cart/add/1", new FormUrlEncodedContent(new Dictionary<string, string> { ["quantity"] = "1" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (_, cartHtml) = await session.GetAsync("/cart");
        Assert.Contains("Your cart is empty", cartHtml);
    }

    [Fact]
    public async Task A_tampered_anonymous_buyer_cookie_is_replaced_not_trusted()
    {
        using var session = shop.NewSession();
        await session.GetAsync("/");
        var original = session.Cookie(AnonymousBuyerCookie.CookieName)!;
        session.Cookies.Add(session.BaseAddress, new Cookie(AnonymousBuyerCookie.CookieName, Guid.NewGuid().ToString()));

        await session.GetAsync("/");
        var replaced = session.Cookie(AnonymousBuyerCookie.CookieName);

        Assert.NotNull(replaced);
        Assert.NotEqual(original, replaced);
        Assert.False(Guid.TryParse(replaced, out _));
    }

    [Fact]
    public async Task Orders_page_says_ordering_is_down_while_the_catalog_keeps_browsing()
    {
        await using var web = await shop.StartWebAsync(shop.Catalog.BaseAddress, shop.Cart.BaseAddress, ShopStack.ClosedAddress());
        using var session = new WebSession(web.BaseAddress);
        await session.RegisterAsync($"buyer-{Guid.NewGuid():N}@shop.test", "correct horse battery");

        var (ordersStatus, ordersHtml) = await session.GetAsync("/orders");
        var (catalogStatus, _) = await session.GetAsync("/catalog");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ordersStatus);
        Assert.Contains("Your orders are not available right now", ordersHtml);
        Assert.Contains("Try again", ordersHtml);
        Assert.Equal(HttpStatusCode.OK, catalogStatus);
    }

    [Fact]
    public async Task With_catalog_down_the_home_page_is_a_friendly_503_not_an_error()
    {
        await using var web = await shop.StartWebAsync(ShopStack.ClosedAddress(), shop.Cart.BaseAddress, ShopStack.ClosedAddress());
        using var session = new WebSession(web.BaseAddress);
        var (status, html) = await session.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("taking a short break", html);
        Assert.DoesNotContain("HttpRequestException", html);
    }
}
