using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Orders;
using Commerce.Ordering.Payments;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Ordering;

/// <summary>
/// The order API and lifecycle against a real PostgreSQL, with orders written straight into the
/// database; checkout through Cart and Catalog is covered by the checkout tests.
/// </summary>
public sealed class OrderingApiTests : IAsyncLifetime
{
    private KestrelApp _ordering = null!;

    public async Task InitializeAsync()
    {
        var settings = await OrderingTestApp.SettingsAsync(await TestServers.GetAsync(), PostgresServer.UniqueDatabaseName("ordering"), "ordering-api");
        settings["Payments:SimulatedLatency"] = "00:00:00.010";
        settings["Payments:ReservationTimeout"] = "00:00:02";
        _ordering = await OrderingTestApp.StartAsync(settings);
    }

    private HttpClient ClientFor(string? token)
    {
        var client = _ordering.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private Task<Order> SeedOrderAsync(string buyerId, string card = "4242424242424242") => _ordering.SeedOrderAsync(buyerId, card);

    private async Task<T> WithLifecycleAsync<T>(Func<OrderLifecycle, Task<T>> action)
    {
        await using var scope = _ordering.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<OrderLifecycle>());
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Every_order_route_needs_a_token()
    {
        using var anonymous = ClientFor(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/orders", JsonContent.Create(new { }))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/admin/orders")).StatusCode);
    }

    [Fact]
    public async Task A_buyer_sees_their_own_orders_and_never_another_buyers()
    {
        var mine = await SeedOrderAsync("buyer-a");
        var theirs = await SeedOrderAsync("buyer-b");
        using var client = ClientFor(TestTokens.For("buyer-a"));

        var order = await JsonAsync(await client.GetAsync($"api/orders/{mine.Id}"), HttpStatusCode.OK);
        Assert.Equal("Submitted", order.GetProperty("status").GetString());
        Assert.Equal(179.98m, order.GetProperty("total").GetDecimal());
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal(7, line.GetProperty("productId").GetInt32());
        Assert.Equal("Trail Runner", line.GetProperty("name").GetString());
        Assert.Equal(89.99m, line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        Assert.Equal("4242", order.GetProperty("card").GetProperty("last4").GetString());
        Assert.DoesNotContain("4242424242424242", order.ToString());

        await JsonAsync(await client.GetAsync($"api/orders/{theirs.Id}"), HttpStatusCode.NotFound);
        await JsonAsync(await client.PostAsync($"api/orders/{theirs.Id}/cancel", null), HttpStatusCode.NotFound);

        var list = await JsonAsync(await client.GetAsync("api/orders"), HttpStatusCode.OK);
        var ids = list.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(mine.Id, ids);
        Assert.DoesNotContain(theirs.Id, ids);
    }

    [Fact]
    public async Task A_buyer_cancels_before_payment_and_a_second_cancel_changes_nothing()
    {
        var order = await SeedOrderAsync("buyer-c");
        using var client = ClientFor(TestTokens.For("buyer-c"));
        var cancelled = await JsonAsync(await client.PostAsync($"api/orders/{order.Id}/cancel", null), HttpStatusCode.OK);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(OrderLifecycle.BuyerCancelReason, cancelled.GetProperty("statusReason").GetString());
        var again = await JsonAsync(await client.PostAsync($"api/orders/{order.Id}/cancel", null), HttpStatusCode.OK);
        Assert.Equal(cancelled.GetProperty("updatedAt").GetDateTimeOffset(), again.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_paid_order_cannot_be_cancelled_and_ships_only_by_an_admin()
    {
        var order = await SeedOrderAsync("buyer-d");
        var outcome = await WithLifecycleAsync(l => l.ReserveAndPayAsync(order.Id, CancellationToken.None));
        Assert.Equal(OrderStatus.Paid, Assert.IsType<LifecycleOutcome.Done>(outcome).Order.Status);

        using var buyer = ClientFor(TestTokens.For("buyer-d"));
        var conflict = await JsonAsync(await buyer.PostAsync($"api/orders/{order.Id}/cancel", null), HttpStatusCode.Conflict);
        Assert.Equal("Paid", conflict.GetProperty("currentStatus").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.PostAsync($"api/orders/{order.Id}/ship", null)).StatusCode);

        using var admin = ClientFor(TestTokens.Admin());
        var shipped = await JsonAsync(await admin.PostAsync($"api/orders/{order.Id}/ship", null), HttpStatusCode.OK);
        Assert.Equal("Shipped", shipped.GetProperty("status").GetString());
        var reship = await JsonAsync(await admin.PostAsync($"api/orders/{order.Id}/ship", null), HttpStatusCode.OK);
        Assert.Equal("Shipped", reship.GetProperty("status").GetString());
        var cancelShipped = await JsonAsync(await admin.PostAsync($"api/admin/orders/{order.Id}/cancel", null), HttpStatusCode.Conflict);
        Assert.Equal("Shipped", cancelShipped.GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task Shipping_an_unpaid_order_is_refused_with_its_state()
    {
        var order = await SeedOrderAsync("buyer-e");
        using var admin = ClientFor(TestTokens.Admin());
        var conflict = await JsonAsync(await admin.PostAsync($"api/orders/{order.Id}/ship", null), HttpStatusCode.Conflict);
        Assert.Equal("Submitted", conflict.GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task The_card_is_charged_at_most_once_however_often_payment_runs()
    {
        var order = await SeedOrderAsync("buyer-f");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            WithLifecycleAsync(l => l.ReserveAndPayAsync(order.Id, CancellationToken.None))));
        Assert.All(outcomes, o => Assert.IsNotType<LifecycleOutcome.NotFound>(o));

        await using var scope = _ordering.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var payment = await db.Payments.SingleAsync(p => p.OrderId == order.Id);
        Assert.Equal(PaymentStatus.Approved, payment.Status);
        Assert.Equal(OrderStatus.Paid, (await db.Orders.SingleAsync(o => o.Id == order.Id)).Status);
        var provider = (SimulatedPaymentProvider)scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
        Assert.Equal(1, provider.ChargesFor(payment.IdempotencyKey));
    }

    [Fact]
    public async Task A_declined_card_cancels_the_order_with_the_reason()
    {
        var order = await SeedOrderAsync("buyer-g", "4000000000000002");
        var outcome = await WithLifecycleAsync(l => l.ReserveAndPayAsync(order.Id, CancellationToken.None));
        var done = Assert.IsType<LifecycleOutcome.Done>(outcome);
        Assert.Equal(OrderStatus.Cancelled, done.Order.Status);
        Assert.Equal("Payment failed: The card was declined.", done.Order.StatusReason);
    }

    [Fact]
    public async Task A_reservation_left_unpaid_is_cancelled_when_it_times_out()
    {
        var order = await SeedOrderAsync("buyer-h");
        await using (var scope = _ordering.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            var tracked = await db.Orders.SingleAsync(o => o.Id == order.Id);
            tracked.MarkStockReserved(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        using var client = ClientFor(TestTokens.For("buyer-h"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement current;
        do
        {
            await Task.Delay(250);
            current = await JsonAsync(await client.GetAsync($"api/orders/{order.Id}"), HttpStatusCode.OK);
        }
        while (current.GetProperty("status").GetString() != "Cancelled" && DateTime.UtcNow < deadline);

        Assert.Equal("Cancelled", current.GetProperty("status").GetString());
        Assert.Equal(OrderLifecycle.PaymentTimeoutReason, current.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task Admins_list_orders_by_status_and_a_bad_status_is_400()
    {
        var order = await SeedOrderAsync("buyer-i");
        using var admin = ClientFor(TestTokens.Admin());
        var page = await JsonAsync(await admin.GetAsync("api/admin/orders?status=submitted&pageSize=100"), HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, o => Assert.Equal("Submitted", o.GetProperty("status").GetString()));
        Assert.Contains(items, o => o.GetProperty("id").GetGuid() == order.Id);

        var bad = await JsonAsync(await admin.GetAsync("api/admin/orders?status=Lost"), HttpStatusCode.BadRequest);
        Assert.Contains("Unknown status", bad.ToString());

        using var buyer = ClientFor(TestTokens.For("buyer-i"));
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync("api/admin/orders")).StatusCode);
    }

    [Fact]
    public async Task Checkout_without_an_idempotency_key_or_with_bad_details_is_refused_and_creates_nothing()
    {
        using var client = ClientFor(TestTokens.For("buyer-j"));
        var body = new
        {
            shippingAddress = new { name = "Ada", street = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" },
            payment = new { cardNumber = "4242 4242 4242 4242", expiry = "12/30", cvc = "123", cardholderName = "Ada" },
        };
        var noKey = await JsonAsync(await client.PostAsJsonAsync("api/orders", body), HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", noKey.GetProperty("title").GetString());

        async Task<JsonElement> CheckoutAsync(object payload, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = JsonContent.Create(payload) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return await JsonAsync(await client.SendAsync(request), expected);
        }

        var badCard = await CheckoutAsync(new { body.shippingAddress, payment = new { cardNumber = "4242 4242 4242 4241", expiry = "12/30", cvc = "123", cardholderName = "Ada" } }, HttpStatusCode.BadRequest);
        Assert.True(badCard.GetProperty("errors").TryGetProperty("payment.cardNumber", out _));
        var expired = await CheckoutAsync(new { body.shippingAddress, payment = new { cardNumber = "4242424242424242", expiry = "01/20", cvc = "123", cardholderName = "Ada" } }, HttpStatusCode.BadRequest);
        Assert.Contains("expired", expired.GetProperty("errors").GetProperty("payment.expiry")[0].GetString());
        var noAddress = await CheckoutAsync(new { body.payment }, HttpStatusCode.BadRequest);
        Assert.True(noAddress.GetProperty("errors").TryGetProperty("shippingAddress.street", out _));

        using var raw = new HttpRequestMessage(HttpMethod.Post, "api/orders") { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };
        raw.Headers.Add("Idempotency-Key", "k-raw");
        await JsonAsync(await client.SendAsync(raw), HttpStatusCode.BadRequest);

        var list = await JsonAsync(await client.GetAsync("api/orders"), HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    public async Task DisposeAsync() => await _ordering.DisposeAsync();
}
