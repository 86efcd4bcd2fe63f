using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Commerce.Tests.Web;

/// <summary>End-to-end in a real browser against the real Catalog, Cart and storefront.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class BrowserTests(ShopStack shop, Chromium chromium)
{
    private Task<IPage> NewVisitorAsync(Uri? storefront = null) => chromium.NewVisitorAsync(storefront ?? shop.Web.BaseAddress);

    private static string NewEmail() => $"e2e-{Guid.NewGuid():N}@shop.test";

    private static async Task<int> BadgeAsync(IPage page)
    {
        var badge = page.Locator("[data-cart-count]");
        return await badge.CountAsync() == 0 ? 0 : int.Parse(await badge.InnerTextAsync());
    }

    internal static async Task AddFirstProductAsync(IPage page, string catalogUrl, int quantity)
    {
        await page.GotoAsync(catalogUrl);
        await page.Locator(".product-card a").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" })).ToBeVisibleAsync();
        await page.GetByLabel("Quantity").FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("Added");
    }

    [Fact]
    public async Task Anonymous_shopper_searches_with_a_typo_adds_two_products_registers_and_keeps_the_cart()
    {
        var shots = new Screenshots(nameof(Anonymous_shopper_searches_with_a_typo_adds_two_products_registers_and_keeps_the_cart));
        var page = await NewVisitorAsync();

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Featured" })).ToBeVisibleAsync();
        Assert.True(await page.Locator(".product-card").CountAsync() >= 8);
        await Expect(page.Locator(".product-card img").First).ToHaveAttributeAsync("alt", new Regex(".+"));
        await shots.TakeAsync(page, "home");

        // Suggestions as you type, then a search with a typo.
        var search = page.GetByRole(AriaRole.Combobox, new() { Name = "Search products" });
        await search.PressSequentiallyAsync("headph", new() { Delay = 40 });
        await Expect(page.Locator("#site-search-list li").First).ToBeVisibleAsync();
        await Expect(search).ToHaveAttributeAsync("aria-expanded", "true");
        await shots.TakeAsync(page, "suggestions");
        await search.FillAsync("headphnes");
        await search.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/catalog\\?q=headphnes"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("headphnes");
        // The results stream in after the page's shell (enhanced navigation): wait for them.
        await Expect(page.Locator(".product-card").First).ToBeVisibleAsync();
        await Expect(page.Locator(".product-card-title").First).ToContainTextAsync(new Regex("Headphones|Earbuds", RegexOptions.IgnoreCase));
        await shots.TakeAsync(page, "search-typo");

        // Two products into the cart before signing in.
        await page.Locator(".product-card a").First.ClickAsync();
        await Expect(page.Locator(".price-large")).ToBeVisibleAsync();
        await Expect(page.Locator(".product-detail .stock")).ToBeVisibleAsync();
        await shots.TakeAsync(page, "product");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("Added");
        Assert.Equal(1, await BadgeAsync(page));
        await AddFirstProductAsync(page, "/catalog?category=Backpacks", 2);
        Assert.Equal(3, await BadgeAsync(page));

        await page.GotoAsync("/cart");
        await Expect(page.Locator(".cart-line")).ToHaveCountAsync(2);
        await shots.TakeAsync(page, "cart-anonymous");

        // Register: the anonymous cart becomes the account's.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.Locator(".validation-message").First).ToBeVisibleAsync();
        await shots.TakeAsync(page, "register-validation");
        await page.GetByLabel("E-mail").FillAsync(NewEmail());
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("a long enough password");
        await page.GetByLabel("Confirm password").FillAsync("a long enough password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await page.GotoAsync("/cart");
        await Expect(page.Locator(".cart-line")).ToHaveCountAsync(2);
        Assert.Equal(3, await BadgeAsync(page));
        await shots.TakeAsync(page, "cart-after-register");

        // Signing out leaves the account's cart behind: a new anonymous visitor starts empty.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/cart");
        await Expect(page.GetByText("Your cart is empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_shopper_cannot_open_the_back_office_and_the_admin_can()
    {
        var shots = new Screenshots(nameof(A_shopper_cannot_open_the_back_office_and_the_admin_can));
        var shopper = await NewVisitorAsync();
        await shopper.GotoAsync("/account/register");
        await shopper.GetByLabel("E-mail").FillAsync(NewEmail());
        await shopper.GetByLabel("Password", new() { Exact = true }).FillAsync("only a shopper");
        await shopper.GetByLabel("Confirm password").FillAsync("only a shopper");
        await shopper.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(shopper.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Expect(shopper.GetByRole(AriaRole.Link, new() { Name = "Back office" })).ToHaveCountAsync(0);

        var response = await shopper.GotoAsync("/admin");
        Assert.Equal(403, response!.Status);
        await Expect(shopper.GetByRole(AriaRole.Heading, new() { Name = "This page is for shop staff only" })).ToBeVisibleAsync();
        await shots.TakeAsync(shopper, "shopper-denied");

        var admin = await NewVisitorAsync();
        await admin.GotoAsync("/admin");
        await admin.WaitForURLAsync(new Regex("/account/sign-in"));
        await admin.GetByLabel("E-mail").FillAsync(shop.AdminEmail);
        await admin.GetByLabel("Password").FillAsync(shop.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.WaitForURLAsync(new Regex("/admin$"));
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Products" })).ToBeVisibleAsync();
        Assert.True(await admin.Locator("table tbody tr").CountAsync() >= 20);
        await shots.TakeAsync(admin, "admin-products");
    }

    [Fact]
    public async Task Checkout_checks_each_field_and_says_plainly_when_ordering_cannot_take_the_order()
    {
        var shots = new Screenshots(nameof(Checkout_checks_each_field_and_says_plainly_when_ordering_cannot_take_the_order));
        await using var web = await shop.StartWebAsync(shop.Catalog.BaseAddress, shop.Cart.BaseAddress, ShopStack.ClosedAddress());
        var page = await NewVisitorAsync(web.BaseAddress);
        await AddFirstProductAsync(page, "/catalog?category=Jackets", 1);

        await RegisterOnTheWayToCheckoutAsync(page);

        // Field-level messages, before anything is sent to Ordering.
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4241");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("01/20");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Place order") }).ClickAsync();
        await Expect(page.GetByText("This card number is not valid: check the digits.")).ToBeVisibleAsync();
        await Expect(page.GetByText("This card has expired.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Enter the city.")).ToBeVisibleAsync();
        await shots.TakeAsync(page, "checkout-validation");

        await FillCheckoutAsync(page);
        var keyBefore = await page.Locator("input[name='Input.IdempotencyKey']").InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Place order") }).DblClickAsync();

        // Ordering is not reachable from this storefront: the shopper is told, nothing is lost, and
        // a retry carries the same idempotency key, so it cannot make a second order.
        await Expect(page.Locator("#checkout-error")).ToContainTextAsync("nothing was charged");
        Assert.Equal(keyBefore, await page.Locator("input[name='Input.IdempotencyKey']").InputValueAsync());
        await Expect(page.GetByLabel("Security code")).ToHaveValueAsync("");
        await shots.TakeAsync(page, "checkout-ordering-down");
    }

    [Fact]
    public async Task A_double_click_makes_one_order_which_is_paid_and_the_confirmation_follows_it_live_to_shipped()
    {
        var shots = new Screenshots(nameof(A_double_click_makes_one_order_which_is_paid_and_the_confirmation_follows_it_live_to_shipped));
        var page = await NewVisitorAsync();
        await AddFirstProductAsync(page, "/catalog?category=Jackets", 1);

        await RegisterOnTheWayToCheckoutAsync(page);

        await FillCheckoutAsync(page);
        await shots.TakeAsync(page, "checkout-filled");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Place order") }).DblClickAsync();

        await page.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}\\?placed=1$"));
        var orderPath = new Uri(page.Url).AbsolutePath;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you! Your order is in." })).ToBeVisibleAsync();
        await shots.TakeAsync(page, "confirmation");
        await Expect(page.Locator(".order-status .pill")).ToHaveAttributeAsync("data-status", "Paid", new() { Timeout = 30_000 });
        // The cart emptied itself after the order; the open page's badge follows without a reload.
        await Expect(page.Locator("[data-cart-count]")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(page.Locator(".cart-link")).ToHaveAttributeAsync("aria-label", "Cart");
        // "We are confirming stock and payment now" is no longer true once the order is paid.
        await Expect(page.GetByText("We are confirming stock and payment now")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you! Your order is in." })).ToBeVisibleAsync();
        await shots.TakeAsync(page, "confirmation-paid");

        // The back office ships it; the open confirmation page follows without a reload.
        var admin = await NewVisitorAsync();
        await admin.GotoAsync("/account/sign-in?returnUrl=%2Fadmin%2Forders%3Fstatus%3DPaid");
        await admin.GetByLabel("E-mail").FillAsync(shop.AdminEmail);
        await admin.GetByLabel("Password").FillAsync(shop.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.WaitForURLAsync(new Regex("/admin/orders"));
        await shots.TakeAsync(admin, "admin-orders");
        await admin.Locator($"a[href='/admin{orderPath}']").ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Mark as shipped" }).ClickAsync();
        await Expect(admin.Locator(".flash-success")).ToContainTextAsync("Order marked as shipped.");
        await shots.TakeAsync(admin, "admin-order-shipped");

        await Expect(page.Locator(".order-status .pill")).ToHaveAttributeAsync("data-status", "Shipped", new() { Timeout = 20_000 });
        await Expect(page.Locator("[data-step=Shipped]")).ToHaveClassAsync("step step-current");
        await shots.TakeAsync(page, "confirmation-shipped-live");

        // One order in the history, whatever the double click did.
        await page.GotoAsync("/orders");
        await Expect(page.Locator("table tbody tr")).ToHaveCountAsync(1);
        await shots.TakeAsync(page, "order-history");
    }

    [Fact]
    public async Task An_admin_changes_a_price_and_the_storefront_and_the_cart_show_it()
    {
        var shots = new Screenshots(nameof(An_admin_changes_a_price_and_the_storefront_and_the_cart_show_it));

        // A shopper puts a product in the cart at today's price.
        var shopper = await NewVisitorAsync();
        await AddFirstProductAsync(shopper, "/catalog?category=Smartwatches&sort=name", 1);
        var productPath = new Uri(shopper.Url).AbsolutePath;
        var id = productPath.Split('/')[^1];
        var oldPrice = await shopper.Locator(".price-large").InnerTextAsync();

        // The operator raises it in the back office.
        var admin = await NewVisitorAsync();
        await admin.GotoAsync("/account/sign-in?returnUrl=%2Fadmin%2Fproducts%2F" + id);
        await admin.GetByLabel("E-mail").FillAsync(shop.AdminEmail);
        await admin.GetByLabel("Password").FillAsync(shop.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.WaitForURLAsync(new Regex($"/admin/products/{id}$"));
        var price = admin.GetByLabel("Price");
        var newPrice = decimal.Parse(await price.InputValueAsync(), System.Globalization.CultureInfo.InvariantCulture) + 10m;
        await price.FillAsync(newPrice.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        await shots.TakeAsync(admin, "admin-edit-price");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(admin.Locator(".flash-success")).ToContainTextAsync("Saved");

        // Stock can be adjusted from the same page.
        var before = int.Parse(await admin.Locator("[data-testid=stock-count]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await admin.GetByLabel("Add or remove units").FillAsync("7");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Adjust stock" }).ClickAsync();
        await Expect(admin.Locator(".flash-success")).ToContainTextAsync("Added 7 to stock");
        await Expect(admin.Locator("[data-testid=stock-count]")).ToHaveTextAsync((before + 7).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The storefront shows the new price, and the cart says it changed.
        var formatted = newPrice.ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture);
        await shopper.GotoAsync(productPath);
        await Expect(shopper.Locator(".price-large")).ToContainTextAsync(formatted);
        Assert.NotEqual(oldPrice, await shopper.Locator(".price-large").InnerTextAsync());
        await shopper.GotoAsync("/cart");
        await Expect(shopper.Locator("[data-warning=PriceChanged]")).ToBeVisibleAsync();
        await Expect(shopper.Locator(".cart-line .price").First).ToContainTextAsync(formatted);
        await shots.TakeAsync(shopper, "cart-price-changed");

        // Accepting the new price clears the warning.
        await shopper.GetByRole(AriaRole.Button, new() { Name = "OK, keep it at the new price" }).ClickAsync();
        await Expect(shopper.Locator("[data-warning=PriceChanged]")).ToHaveCountAsync(0);
    }

    /// <summary>An anonymous shopper with one line in the cart goes to checkout and creates an account on the way.</summary>
    internal static async Task RegisterOnTheWayToCheckoutAsync(IPage page)
    {
        await page.GotoAsync("/checkout");
        await page.WaitForURLAsync(new Regex("/account/sign-in\\?returnUrl=%2Fcheckout"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        // The sign-in page has an E-mail field too: typing before the registration page has replaced
        // it (enhanced navigation swaps the page in place) would type into the page being left.
        await page.WaitForURLAsync(new Regex("/account/register\\?returnUrl=%2Fcheckout"));
        await Expect(page.GetByLabel("Confirm password")).ToBeVisibleAsync();
        await page.GetByLabel("E-mail").FillAsync(NewEmail());
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("checkout shopper");
        await page.GetByLabel("Confirm password").FillAsync("checkout shopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(new Regex("/checkout$"));
        }
        catch (TimeoutException)
        {
            var shown = await page.Locator("main").InnerTextAsync();
            throw new Xunit.Sdk.XunitException($"Creating the account did not lead back to /checkout: the browser is on {page.Url}, showing: {shown}");
        }

        await Expect(page.Locator(".summary-lines li")).ToHaveCountAsync(1);
    }

    /// <summary>A valid address and the approved test card.</summary>
    internal static async Task FillCheckoutAsync(IPage page)
    {
        await page.GetByLabel("Full name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Street and number").FillAsync("12 Analytical Row");
        await page.GetByLabel("Postal code").FillAsync("10115");
        await page.GetByLabel("City").FillAsync("Berlin");
        await page.GetByLabel("Country").FillAsync("Germany");
        await page.GetByLabel("Name on card").FillAsync("Ada Lovelace");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/30");
        await page.GetByLabel("Security code").FillAsync("123");
    }
}
