using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Commerce.Tests.Web;

/// <summary>
/// The storefront on a phone and the back office at laptop width, in a real browser: products
/// start on a phone's first screen with the filters folded behind a control, and back-office tables
/// fit their card (what cannot fit scrolls inside it, never the page).
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class ResponsiveLayoutTests(ShopStack shop, Chromium chromium)
{
    private const int PhoneWidth = 390, PhoneHeight = 844;

    [Fact]
    public async Task On_a_phone_products_start_on_the_first_screen_and_the_filters_fold_behind_a_control_with_their_count()
    {
        var shots = new Screenshots(nameof(On_a_phone_products_start_on_the_first_screen_and_the_filters_fold_behind_a_control_with_their_count));
        var page = await chromium.NewVisitorAsync(shop.Web.BaseAddress);
        await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);

        await page.GotoAsync("/catalog");
        var filters = page.Locator("#catalog-filters");
        var toggle = page.Locator("label.filters-button");
        await Expect(filters).ToBeHiddenAsync();
        await Expect(toggle).ToBeVisibleAsync();
        await Expect(toggle).ToHaveTextAsync(new Regex(@"^\s*Filters\s*$"));
        var firstCard = await page.Locator(".product-card").First.BoundingBoxAsync()
            ?? throw new Xunit.Sdk.XunitException("The catalogue shows no product card.");
        Assert.True(firstCard.Y + 120 < PhoneHeight,
            $"The first product starts {firstCard.Y:0} px down a {PhoneHeight} px phone screen; at least its top 120 px should be on the first screen.");

        await toggle.ClickAsync();
        await Expect(filters).ToBeVisibleAsync();
        await page.Locator("#catalog-filters .facet").First.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/catalog\?(category|brand)="));
        await Expect(page.Locator("#catalog-filters")).ToBeHiddenAsync();
        await Expect(page.Locator("label.filters-button .filters-count")).ToHaveTextAsync(new Regex(@"^1\b"));

        await page.GotoAsync("/catalog?category=Backpacks&brand=Urban%20Trail&minPrice=10");
        await Expect(page.Locator("label.filters-button .filters-count")).ToHaveTextAsync(new Regex(@"^3\b"));
        await shots.TakeAsync(page, "catalog-three-filters");

        // A desktop shows the panel and no control.
        await page.SetViewportSizeAsync(1366, 900);
        await Expect(page.Locator("#catalog-filters")).ToBeVisibleAsync();
        await Expect(page.Locator("label.filters-button")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task On_a_phone_a_shopper_goes_from_the_folded_filters_to_a_paid_order()
    {
        var shots = new Screenshots(nameof(On_a_phone_a_shopper_goes_from_the_folded_filters_to_a_paid_order));
        var page = await chromium.NewVisitorAsync(shop.Web.BaseAddress);
        await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);

        await page.GotoAsync("/catalog");
        await page.Locator("label.filters-button").ClickAsync();
        await page.Locator("#catalog-filters .facet", new() { HasTextRegex = new Regex("Jackets") }).First.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/catalog\?category=Jackets"));
        await Expect(page.Locator("label.filters-button .filters-count")).ToHaveTextAsync(new Regex(@"^1\b"));
        await shots.TakeAsShownAsync(page, "catalog-jackets");

        await page.Locator(".product-card a").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.Locator(".flash-success")).ToContainTextAsync("Added");
        await shots.TakeAsShownAsync(page, "product-added");

        await page.GotoAsync("/cart");
        await Expect(page.Locator(".cart-line")).ToHaveCountAsync(1);
        var checkout = page.GetByRole(AriaRole.Link, new() { Name = "Check out" });
        var box = await checkout.BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException("The cart shows no 'Check out' link.");
        Assert.True(box.X >= 0 && box.X + box.Width <= PhoneWidth, $"'Check out' spans {box.X:0}..{box.X + box.Width:0} px on a {PhoneWidth} px screen.");
        await shots.TakeAsShownAsync(page, "cart");

        await BrowserTests.RegisterOnTheWayToCheckoutAsync(page);
        await BrowserTests.FillCheckoutAsync(page);
        await shots.TakeAsShownAsync(page, "checkout-filled");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Place order") }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}\\?placed=1$"));
        await Expect(page.Locator(".order-status .pill")).ToHaveAttributeAsync("data-status", "Paid", new() { Timeout = 30_000 });
        var pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(pageWidth <= PhoneWidth, $"The confirmation is {pageWidth} px wide on a {PhoneWidth} px phone, so it scrolls sideways.");
        var (tableWidth, wrapWidth) = await page.EvaluateAsync<int[]>(
            "() => { const wrap = document.querySelector('.order-card .table-wrap'); return [wrap.querySelector('table').scrollWidth, wrap.clientWidth]; }") switch
            {
                [var t, var w] => (t, w),
                _ => throw new Xunit.Sdk.XunitException("The confirmation shows no order table."),
            };
        Assert.True(tableWidth <= wrapWidth, $"The order's table is {tableWidth} px wide in a {wrapWidth} px card on a phone, so the totals are cut off.");
        await shots.TakeAsShownAsync(page, "confirmation-paid");
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(PhoneWidth, PhoneHeight)]
    public async Task The_back_office_products_table_fits_its_card(int width, int height)
    {
        const string path = "/admin/products";
        var admin = await chromium.NewVisitorAsync(shop.Web.BaseAddress);
        await admin.SetViewportSizeAsync(width, height);
        await admin.GotoAsync("/account/sign-in?returnUrl=" + Uri.EscapeDataString(path));
        await admin.GetByLabel("E-mail").FillAsync(shop.AdminEmail);
        await admin.GetByLabel("Password").FillAsync(shop.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.WaitForURLAsync(new Regex(Regex.Escape(path) + "$"));
        await Expect(admin.Locator(".table-wrap").First).ToBeVisibleAsync();

        var sizes = await admin.EvaluateAsync<int[]>(
            """
            () => {
              const wrap = document.querySelector('.table-wrap');
              const table = wrap.querySelector('table');
              return [document.documentElement.scrollWidth, Math.ceil(wrap.getBoundingClientRect().right), table.scrollWidth, wrap.clientWidth];
            }
            """);
        var (pageWidth, wrapRight, tableWidth, wrapWidth) = (sizes[0], sizes[1], sizes[2], sizes[3]);
        Assert.True(pageWidth <= width, $"{path} at {width} px: the page is {pageWidth} px wide, so it scrolls sideways.");
        Assert.True(wrapRight <= width, $"{path} at {width} px: the table's card ends at {wrapRight} px, past the screen.");
        if (width >= 1280)
        {
            Assert.True(tableWidth <= wrapWidth, $"{path} at {width} px: the table is {tableWidth} px wide in a {wrapWidth} px card, so columns are cut off.");
        }
    }
}
