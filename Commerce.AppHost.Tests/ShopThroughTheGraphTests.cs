using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using System.Net.Http.Json;
using Commerce.Tests.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Commerce.AppHost.Tests;

/// <summary>The graph the AppHost describes, started whole, shopped through the storefront.</summary>
[Collection(ShopGraphCollection.Name)]
public sealed class ShopThroughTheGraphTests(ShopGraph graph, Chromium chromium, ITestOutputHelper output)
{
    private readonly List<IPage> _pages = [];

    [Fact]
    public async Task Every_resource_is_healthy_and_the_storefront_serves_home_and_a_product_page()
    {
        output.WriteLine($"Every resource was healthy {graph.StartupTime.TotalSeconds:0} s after the graph started.");
        foreach (var resource in ShopGraph.Resources)
        {
            Assert.True(graph.App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"no state for '{resource}'");
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }

        // The databases show their server's state in the dashboard (Aspire does that only for containers' children).
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            foreach (var database in (string[])["catalogdb", "orderingdb", "identitydb", "recommendationsdb"])
            {
                var shown = await graph.App.ResourceNotifications.WaitForResourceAsync(database,
                    e => e.Snapshot.State?.Text == KnownResourceStates.Running, wait.Token);
                Assert.NotNull(shown.Snapshot.StartTimeStamp);
            }
        }

        using var catalog = graph.App.CreateHttpClient("catalog", "http");
        var page = await catalog.GetFromJsonAsync<JsonElement>("/api/catalog/products?page=1&pageSize=1");
        var id = page.GetProperty("items")[0].GetProperty("id").GetInt32();

        using var web = graph.App.CreateHttpClient("web", "http");
        using var home = await web.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var product = await web.GetAsync($"/products/{id}");
        Assert.Equal(HttpStatusCode.OK, product.StatusCode);
    }

    /// <summary>
    /// A visitor with room for first renders: the graph's four services share two cores with the
    /// test run, so a page's first request may wait for JIT and a cold connection pool.
    /// </summary>
    private async Task<IPage> Visitor()
    {
        var page = await chromium.NewVisitorAsync(graph.Storefront);
        _pages.Add(page);
        page.Context.SetDefaultTimeout(60_000);
        page.Context.SetDefaultNavigationTimeout(90_000);
        return page;
    }

    [Fact]
    public async Task A_shopper_browses_signs_up_pays_by_card_and_the_back_office_shows_the_paid_order()
    {
        try
        {
            await ShopAsync();
        }
        catch
        {
            foreach (var page in _pages)
            {
                output.WriteLine($"page at {page.Url}:\n{await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 })}\n");
            }

            // The storefront's side of a failure is in its console log, as the dashboard shows it.
            output.WriteLine("web's console log:");
            output.WriteLine(await graph.ConsoleLogAsync("web"));
            throw;
        }
    }

    private async Task ShopAsync()
    {
        var shots = new Screenshots($"AppHost-{nameof(A_shopper_browses_signs_up_pays_by_card_and_the_back_office_shows_the_paid_order)}");
        var page = await Visitor();

        // Browse: the home page, a category, a product.
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Featured" })).ToBeVisibleAsync();
        await page.GotoAsync("/catalog?category=Jackets");
        await page.Locator(".product-card a").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" })).ToBeVisibleAsync();
        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("Added");
        await shots.TakeAsync(page, "added-to-cart");

        // Sign up on the way to checkout; the cart comes along.
        await page.GotoAsync("/checkout");
        await page.WaitForURLAsync(new Regex("/account/sign-in\\?returnUrl=%2Fcheckout"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        // The link navigates in place (Blazor's enhanced navigation) and the sign-in page has an
        // "E-mail" field too: typed before the register form replaces it, the address is lost and the
        // form answers "Enter your e-mail address." instead of signing the shopper up.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create your account" })).ToBeVisibleAsync();
        var password = $"graph shopper {Guid.NewGuid():N}";
        await page.GetByLabel("E-mail").FillAsync($"graph-{Guid.NewGuid():N}@shop.test");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/checkout$"));
        await Expect(page.Locator(".summary-lines li")).ToHaveCountAsync(1);

        // Check out with the approved test card; payment runs over RabbitMQ between Ordering and Catalog.
        await page.GetByLabel("Full name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Street and number").FillAsync("12 Analytical Row");
        await page.GetByLabel("Postal code").FillAsync("10115");
        await page.GetByLabel("City").FillAsync("Berlin");
        await page.GetByLabel("Country").FillAsync("Germany");
        await page.GetByLabel("Name on card").FillAsync("Ada Lovelace");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/30");
        await page.GetByLabel("Security code").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Place order") }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}\\?placed=1$"));
        var orderPath = new Uri(page.Url).AbsolutePath;
        await Expect(page.Locator(".order-status .pill")).ToHaveAttributeAsync("data-status", "Paid", new() { Timeout = 60_000 });
        await shots.TakeAsync(page, "paid");

        // The back office lists it among the paid orders.
        var admin = await Visitor();
        await admin.GotoAsync("/account/sign-in?returnUrl=%2Fadmin%2Forders%3Fstatus%3DPaid");
        await admin.GetByLabel("E-mail").FillAsync(graph.AdminEmail);
        await admin.GetByLabel("Password").FillAsync(graph.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.WaitForURLAsync(new Regex("/admin/orders"));
        await Expect(admin.Locator($"a[href='/admin{orderPath}']")).ToBeVisibleAsync();
        await admin.Locator($"a[href='/admin{orderPath}']").ClickAsync();
        await Expect(admin.Locator("body")).ToContainTextAsync("Paid");
        await shots.TakeAsync(admin, "back-office-order");
    }
}
