using System.Net;
using System.Text.RegularExpressions;

namespace Commerce.Tests.Web;

/// <summary>The shop with its message broker unreachable: orders are taken and wait in Submitted.</summary>
public sealed class BrokerDownShopStack : ShopStack
{
    private readonly string _messaging = $"amqp://guest:guest@127.0.0.1:{ClosedPort()}/";

    protected override string? Messaging => _messaging;

    protected override bool BrokerReachable => false;
}

/// <summary>
/// With RabbitMQ down, stock reservation and payment wait (their events sit in the outbox), so an
/// order stays Submitted: the storefront still takes it, shows it, and lets the buyer cancel it.
/// </summary>
public sealed partial class BrokerDownCheckoutTests(BrokerDownShopStack shop) : IClassFixture<BrokerDownShopStack>
{
    [Fact]
    public async Task The_storefront_takes_an_order_while_the_broker_is_down_and_the_buyer_cancels_it()
    {
        using var session = shop.NewSession();
        await session.RegisterAsync($"buyer-{Guid.NewGuid():N}@shop.test", "a long enough password");
        var id = (await shop.InStockProductIdsAsync(1))[0];
        using var add = await session.PostFormAsync($"/products/{id}", $"/cart/add/{id}", new Dictionary<string, string> { ["quantity"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);

        var (_, page) = await session.GetAsync("/checkout");
        using var placed = await session.PostBlazorFormAsync("/checkout", "checkout", new Dictionary<string, string>
        {
            ["Input.IdempotencyKey"] = IdempotencyKey().Match(page).Groups[1].Value,
            ["Input.Name"] = "Grace Hopper",
            ["Input.Street"] = "1 Compiler Way",
            ["Input.City"] = "Arlington",
            ["Input.PostalCode"] = "22201",
            ["Input.Country"] = "United States",
            ["Input.CardholderName"] = "Grace Hopper",
            ["Input.CardNumber"] = "4242 4242 4242 4242",
            ["Input.Expiry"] = "12/30",
            ["Input.Cvc"] = "123",
        });
        Assert.True(placed.StatusCode == HttpStatusCode.Redirect, $"checkout answered {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
        var orderPath = placed.Headers.Location!.OriginalString.Split('?')[0];

        var (_, submitted) = await session.GetAsync(orderPath);
        Assert.Contains("data-status=\"Submitted\"", submitted);
        Assert.Contains("Cancel this order", submitted);

        using var cancel = await session.PostFormAsync(orderPath, orderPath + "/cancel", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);

        var (_, cancelled) = await session.GetAsync(orderPath);
        Assert.Contains("Your order is cancelled.", cancelled);
        Assert.Contains("data-status=\"Cancelled\"", cancelled);
        Assert.Contains("Cancelled by the buyer.", cancelled);
        Assert.DoesNotContain("Cancel this order", cancelled);
    }

    [GeneratedRegex("name=\"Input.IdempotencyKey\" value=\"([^\"]*)\"")]
    private static partial Regex IdempotencyKey();
}
