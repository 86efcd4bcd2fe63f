using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Commerce.Tests.Web;

/// <summary>Checkout and orders over real HTTP against the real Cart, Catalog and Ordering.</summary>
[Collection(StorefrontCollection.Name)]
public sealed partial class CheckoutPageTests(ShopStack shop)
{
    internal static Dictionary<string, string> Form(string key, string card = "4242 4242 4242 4242") => new()
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

    /// <summary>Asks the storefront's status endpoint, as the confirmation page does, until the order is Paid or final.</summary>
    private static async Task<JsonElement> WaitForPaidOrFinalAsync(WebSession session, string orderPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await session.GetResponseAsync(orderPath + "/status");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (status.GetProperty("status").GetString() is "Paid" or "Shipped" or "Cancelled")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"order {orderPath} is still {status.GetProperty("status")} after 60 s");
            await Task.Delay(200);
        }
    }

    private static async Task<string> PlaceOrderAsync(WebSession session, string card = "4242 4242 4242 4242")
    {
        var (_, page) = await session.GetAsync("/checkout");
        using var placed = await session.PostBlazorFormAsync("/checkout", "checkout", Form(IdempotencyKey().Match(page).Groups[1].Value, card));
        Assert.True(placed.StatusCode == HttpStatusCode.Redirect, $"checkout answered {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
        return placed.Headers.Location!.OriginalString.Split('?')[0];
    }

    [Fact]
    public async Task The_same_checkout_form_posted_twice_makes_one_order_that_gets_paid()
    {
        using var session = await ShopperWithCartAsync();
        var (_, page) = await session.GetAsync("/checkout");
        var key = IdempotencyKey().Match(page).Groups[1].Value;
        Assert.True(Guid.TryParse(key, out _), "the checkout form carries a fresh idempotency key");

        using var first = await session.PostBlazorFormAsync("/checkout", "checkout", Form(key));
        using var second = await session.PostBlazorFormAsync("/checkout", "checkout", Form(key));

        Assert.True(first.StatusCode == HttpStatusCode.Redirect, $"checkout answered {(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var location = first.Headers.Location!.OriginalString;
        Assert.Matches("/orders/[0-9a-f-]{36}\\?placed=1$", location);
        Assert.Equal(location, second.Headers.Location!.OriginalString);

        var (status, confirmation) = await session.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Thank you! Your order is in.", confirmation);
        Assert.Contains("ending in 4242", confirmation);
        Assert.DoesNotContain("4242 4242", confirmation);

        var final = await WaitForPaidOrFinalAsync(session, location.Split('?')[0]);
        Assert.Equal("Paid", final.GetProperty("status").GetString());
        var (_, history) = await session.GetAsync("/orders");
        Assert.Single(OrderLink().Matches(history));
        Assert.Contains("data-status=\"Paid\"", history);
    }

    [Fact]
    public async Task The_status_endpoint_waits_through_the_statuses_it_is_given_and_refuses_an_unknown_one()
    {
        using var session = await ShopperWithCartAsync();
        var orderPath = await PlaceOrderAsync(session);

        // As the order page asks: each answer comes with the next change, until the order is Paid.
        var seen = new List<string>();
        var shown = "Submitted";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (shown is "Submitted" or "StockReserved")
        {
            Assert.True(DateTime.UtcNow < deadline, $"order {orderPath} is still {shown} after 60 s; seen {string.Join(", ", seen)}");
            using var response = await session.GetResponseAsync($"{orderPath}/status?waitWhile={shown}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            shown = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
            seen.Add(shown);
        }

        Assert.Equal("Paid", shown);
        // A wait of at most 3 s per answer, and Paid comes well within that: two or three answers, not a poll loop.
        Assert.True(seen.Count <= 4, $"the page needed {seen.Count} answers ({string.Join(", ", seen)}): the endpoint did not wait for changes");

        // The cart emptied itself after the order, and the answer says so for the page's badge.
        var cartDeadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await session.GetResponseAsync($"{orderPath}/status");
            var count = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cartCount");
            if (count.ValueKind == JsonValueKind.Number && count.GetInt32() == 0)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < cartDeadline, $"the status answer still gives cartCount {count} 20 s after the order was paid");
            await Task.Delay(200);
        }

        using var unknown = await session.GetResponseAsync($"{orderPath}/status?waitWhile=Delivered");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'Delivered' is not an order status", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_declined_card_ends_in_a_cancelled_order_with_the_reason_shown()
    {
        using var session = await ShopperWithCartAsync();
        var orderPath = await PlaceOrderAsync(session, "4000 0000 0000 0002");

        var final = await WaitForPaidOrFinalAsync(session, orderPath);
        Assert.Equal("Cancelled", final.GetProperty("status").GetString());
        var reason = final.GetProperty("reason").GetString();
        Assert.False(string.IsNullOrWhiteSpace(reason));

        var (_, html) = await session.GetAsync(orderPath);
        Assert.Contains("data-status=\"Cancelled\"", html);
        Assert.Contains(WebUtility.HtmlEncode(reason!), html);
        Assert.DoesNotContain("Cancel this order", html);
    }

    [Fact]
    public async Task A_shopper_sees_only_their_own_orders()
    {
        using var owner = await ShopperWithCartAsync();
        var orderPath = await PlaceOrderAsync(owner);

        using var other = shop.NewSession();
        await other.RegisterAsync($"other-{Guid.NewGuid():N}@shop.test", "a long enough password");
        var (status, html) = await other.GetAsync(orderPath);
        using var statusJson = await other.GetResponseAsync(orderPath + "/status");
        var (_, otherHistory) = await other.GetAsync("/orders");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("Grace Hopper", html);
        Assert.Equal(HttpStatusCode.NotFound, statusJson.StatusCode);
        Assert.Contains("No orders yet", otherHistory);
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

    [GeneratedRegex("href=\"/orders/[0-9a-f-]{36}\"")]
    private static partial Regex OrderLink();

}
