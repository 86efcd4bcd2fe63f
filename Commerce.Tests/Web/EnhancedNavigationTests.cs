using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Commerce.Tests.Web;

/// <summary>
/// The storefront on Blazor's own script (blazor.web.js): pages change without a full reload,
/// pages that wait on a service are streamed to the script (shell first, then the data), and a
/// first load or a client without JavaScript still gets the whole page with its real status.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class EnhancedNavigationTests(ShopStack shop, Chromium chromium)
{
    /// <summary>What blazor.web.js sends when it fetches a page for an enhanced navigation.</summary>
    private const string EnhancedAccept = "text/html; blazor-enhanced-nav=on";

    [Fact]
    public async Task Blazor_script_is_served_by_the_storefront_and_every_page_loads_it()
    {
        using var session = shop.NewSession();
        using var script = await session.GetResponseAsync("/_framework/blazor.web.js");
        var body = await script.Content.ReadAsStringAsync();
        var (_, home) = await session.GetAsync("/");

        Assert.True(script.StatusCode == HttpStatusCode.OK, $"/_framework/blazor.web.js answered {(int)script.StatusCode}: the static web assets are not mapped");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Length > 50_000, $"blazor.web.js is {body.Length} characters");
        Assert.Contains("enhancedload", body);
        Assert.Contains("<script src=\"_framework/blazor.web.js\"></script>", home);
        Assert.Contains("script-src 'self'", script.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Catalogue_pages_change_without_a_full_reload_and_the_page_script_keeps_working()
    {
        var shots = new Screenshots(nameof(Catalogue_pages_change_without_a_full_reload_and_the_page_script_keeps_working));
        var page = await chromium.NewVisitorAsync(shop.Web.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Featured" })).ToBeVisibleAsync();
        // A full page load would start a new window object and lose this.
        await page.EvaluateAsync("() => { window.__marker = 1; }");

        await page.GetByRole(AriaRole.Link, new() { Name = "Browse the shop" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/catalog$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("All products");
        await Expect(page.Locator(".product-card").First).ToBeVisibleAsync();

        var next = page.Locator(".pager a[rel=next]");
        Assert.True(await next.CountAsync() == 1, "the catalogue has a single page: no pager link to follow");
        await next.ClickAsync();
        await page.WaitForURLAsync(new Regex("[?&]page=2"));
        await Expect(page.Locator(".pager-current")).ToHaveTextAsync("2");

        await page.Locator("#catalog-filters .facet").First.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/catalog\?(category|brand)="));
        await Expect(page.Locator(".facet-selected")).ToHaveCountAsync(1);

        // The sort menu arrived with an enhanced update (the home page has none): site.js attached
        // to it after that update, and its form is sent by Blazor too.
        await page.Locator("#sort").SelectOptionAsync("price_asc");
        await page.WaitForURLAsync(new Regex("sort=price_asc"));
        await Expect(page.Locator("#sort")).ToHaveValueAsync("price_asc");
        await Expect(page.Locator(".product-card").First).ToBeVisibleAsync();
        await shots.TakeAsync(page, "catalog-enhanced");

        // Suggestions (site.js) still work in the header kept across the updates.
        var search = page.GetByRole(AriaRole.Combobox, new() { Name = "Search products" });
        await search.FillAsync("");
        await search.PressSequentiallyAsync("headph", new() { Delay = 40 });
        await Expect(page.Locator("#site-search-list li").First).ToBeVisibleAsync();

        Assert.Equal(1, await page.EvaluateAsync<int?>("() => window.__marker"));
        Assert.True(errors.Count == 0, "the page reported errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task An_enhanced_form_post_adds_to_the_cart_without_a_full_reload_and_the_page_still_works_without_script()
    {
        var page = await chromium.NewVisitorAsync(shop.Web.BaseAddress);
        var id = (await shop.InStockProductIdsAsync(1))[0];

        await page.GotoAsync($"/products/{id}");
        await page.EvaluateAsync("() => { window.__marker = 1; }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("Added");
        await Expect(page.Locator("[data-cart-count]")).ToHaveTextAsync("1");
        Assert.Equal(1, await page.EvaluateAsync<int?>("() => window.__marker"));

        // Without Blazor's script the same form posts and the page reloads, as before.
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = shop.Web.BaseAddress.ToString().TrimEnd('/'),
            JavaScriptEnabled = false,
        });
        var noScript = await context.NewPageAsync();
        await noScript.GotoAsync($"/products/{id}");
        await noScript.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(noScript.Locator(".flash-success")).ToContainTextAsync("Added");
        await noScript.GotoAsync("/catalog?sort=name");
        await Expect(noScript.Locator(".product-card").First).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_catalogue_page_fetched_by_the_script_streams_its_shell_before_the_data()
    {
        await using var catalog = await SlowCatalog.StartAsync(shop.Catalog.BaseAddress);
        await using var web = await shop.StartWebAsync(catalog.BaseAddress, shop.Cart.BaseAddress, shop.Ordering.BaseAddress);
        using var client = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        catalog.Hold();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/catalog?sort=name");
        request.Headers.TryAddWithoutValidation("Accept", EnhancedAccept);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new StringBuilder();

        // Catalog is held: the shell must arrive anyway.
        var shell = await ReadUntilAsync(body, received, "Loading products…", TimeSpan.FromSeconds(10));
        Assert.True(shell, "no shell arrived while Catalog was slow: the page is not streamed. Got: " + received);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("class=\"site-header\"", received.ToString());
        Assert.Contains("All products", received.ToString());
        Assert.DoesNotContain("product-card", received.ToString());

        catalog.Release();
        var data = await ReadUntilAsync(body, received, "product-card", TimeSpan.FromSeconds(30));
        Assert.True(data, "the products never arrived after Catalog answered. Got: " + received);
        Assert.Contains("<blazor-ssr>", received.ToString());

        // A first load (no script yet, or none at all) is not streamed: the whole page at once.
        catalog.Release();
        using var plain = await client.GetAsync("/catalog?sort=name");
        var html = await plain.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Contains("product-card", html);
        Assert.DoesNotContain("<blazor-ssr>", html);
        Assert.DoesNotContain("Loading products…", html);
    }

    [Fact]
    public async Task In_the_browser_a_streamed_catalogue_shows_its_shell_then_its_products_without_a_reload()
    {
        var shots = new Screenshots(nameof(In_the_browser_a_streamed_catalogue_shows_its_shell_then_its_products_without_a_reload));
        await using var catalog = await SlowCatalog.StartAsync(shop.Catalog.BaseAddress);
        await using var web = await shop.StartWebAsync(catalog.BaseAddress, shop.Cart.BaseAddress, shop.Ordering.BaseAddress);
        var page = await chromium.NewVisitorAsync(web.BaseAddress);

        await page.GotoAsync("/cart");
        await Expect(page.GetByText("Your cart is empty")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.__marker = 1; }");

        catalog.Hold();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Shop" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Loading products…" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("All products");
        Assert.Equal(0, await page.Locator(".product-card").CountAsync());
        await shots.TakeAsync(page, "catalog-shell");

        catalog.Release();
        await Expect(page.Locator(".product-card").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText("Loading products…")).ToHaveCountAsync(0);
        Assert.Equal(1, await page.EvaluateAsync<int?>("() => window.__marker"));
        await shots.TakeAsync(page, "catalog-streamed");
    }

    /// <summary>Reads <paramref name="body"/> into <paramref name="received"/> until it holds <paramref name="text"/>; false on time-out or end.</summary>
    private static async Task<bool> ReadUntilAsync(Stream body, StringBuilder received, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[8192];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        try
        {
            while (!received.ToString().Contains(text, StringComparison.Ordinal))
            {
                var n = await body.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return false;
                }

                received.Append(chars, 0, decoder.GetChars(buffer, 0, n, chars, 0));
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Catalog behind a proxy that holds every request while told to: a slow Catalog on demand.</summary>
    private sealed class SlowCatalog : IAsyncDisposable
    {
        private readonly KestrelApp _app;
        private readonly HttpClient _catalog;
        private volatile TaskCompletionSource _gate = Open();

        private SlowCatalog(KestrelApp app, HttpClient catalog)
        {
            _app = app;
            _catalog = catalog;
        }

        public Uri BaseAddress => _app.BaseAddress;

        public static async Task<SlowCatalog> StartAsync(Uri catalog)
        {
            var client = new HttpClient { BaseAddress = catalog, Timeout = TimeSpan.FromSeconds(30) };
            SlowCatalog? slow = null;
            var app = await KestrelApp.StartAsync(_ => { }, app => app.Map("/{**path}", async (HttpContext context) =>
            {
                await slow!._gate.Task.WaitAsync(context.RequestAborted);
                using var answer = await client.GetAsync(context.Request.Path + context.Request.QueryString, context.RequestAborted);
                context.Response.StatusCode = (int)answer.StatusCode;
                context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
                await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }));
            slow = new SlowCatalog(app, client);
            return slow;
        }

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Release();
            await _app.DisposeAsync();
            _catalog.Dispose();
        }

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
