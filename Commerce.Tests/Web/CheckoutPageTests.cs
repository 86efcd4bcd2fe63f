using System.Net;
using System.Text.RegularExpressions;

namespace Commerce.Tests.Web;

/// <summary>Checkout and orders over real HTTP against the real Cart, Catalog and Ordering.</summary>
public sealed partial class CheckoutPageTests(ShopStack shop) : IClassFixture<ShopStack>
{
    private static Dictionary<string, string> Form(string key, string card = "4242 4242 4242 4242") => new()
    {
        ["Input.IdempotencyKey"] = key,
        ["Input.Name"] = "Grace Hopper",
        ["Input.Street"] = "1 Compiler Way",
        ["Input.City"] = "Arlington",
        ["Input.PostalCode"] = "22201",
        ["Input.Country"] = "United States",
        ["Input.CardholderName"] = "Grace Hopper",
        ["Input.CardNumber"] = card,
        ["Input.Expiry"] = "12/30",
        ["Input.Cvc"] = "123",
    };

    private async Task<WebSession> ShopperWithCartAsync(WebSession? session = null)
    {
        session ??= shop.NewSession();
        await session.RegisterAsync($"buyer-{Guid.NewGuid():N}@shop.test", "a long enough password");
        var id = (await shop.InStockProductIdsAsync(3))[2];
        using var add = await session.PostFormAsync($"/products/{id}", $"/cart/add/{id}", new Dictionary<string, string> { ["quantity"] = "2" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        return session;
    }

    [Fact]
    public async Task A_refreshed_checkout_page_gets_a_new_key_so_a_second_purchase_is_a_second_order()
    {
        using var session = await ShopperWithCartAsync();
        var (_, one) = await session.GetAsync("/checkout");
        var (_, two) = await session.GetAsync("/checkout");

        Assert.NotEqual(IdempotencyKey().Match(one).Groups[1].Value, IdempotencyKey().Match(two).Groups[1].Value);
    }

    [Fact]
    public async Task A_card_that_fails_the_luhn_check_never_leaves_the_storefront()
    {
        using var session = await ShopperWithCartAsync();
        var (_, page) = await session.GetAsync("/checkout");
        using var response = await session.PostBlazorFormAsync("/checkout", "checkout", Form(IdempotencyKey().Match(page).Groups[1].Value, "4242 4242 4242 4241"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This card number is not valid: check the digits.", html);
        Assert.DoesNotContain("value=\"123\"", html);
        var (_, history) = await session.GetAsync("/orders");
        Assert.Contains("No orders yet", history);
    }

    [Fact]
    public async Task With_ordering_down_checkout_says_nothing_was_charged_and_keeps_the_same_key()
    {
        await using var web = await shop.StartWebAsync(shop.Catalog.BaseAddress, shop.Cart.BaseAddress, ShopStack.ClosedAddress());
        using var session = await ShopperWithCartAsync(new WebSession(web.BaseAddress));
        var (_, page) = await session.GetAsync("/checkout");
        var key = IdempotencyKey().Match(page).Groups[1].Value;

        using var response = await session.PostBlazorFormAsync("/checkout", "checkout", Form(key));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("nothing was charged", html);
        Assert.Equal(key, IdempotencyKey().Match(html).Groups[1].Value);
    }

    [GeneratedRegex("name=\"Input.IdempotencyKey\" value=\"([^\"]*)\"")]
    private static partial Regex IdempotencyKey();

}
