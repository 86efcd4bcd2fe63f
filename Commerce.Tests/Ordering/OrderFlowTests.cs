using System.Net;
using System.Net.Http.Json;
using Commerce.Tests.Catalog;
using Commerce.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Commerce.Tests.Ordering;

/// <summary>The whole order flow across Catalog, Cart and Ordering over real RabbitMQ.</summary>
public sealed class OrderFlowTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ShopServices _shop = null!;

    public async Task InitializeAsync() => _shop = await ShopServices.StartAsync();

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task An_order_is_paid_with_catalog_prices_its_stock_committed_its_cart_emptied_and_then_shipped()
    {
        var product = await _shop.CreateProductAsync(49.50m, stock: 10);
        var orderId = await _shop.PlaceOrderAsync("flow-buyer-1", product, 3);

        var order = await _shop.WaitForFinalAsync("flow-buyer-1", orderId);
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal(148.50m, order.GetProperty("total").GetDecimal());
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal(49.50m, line.GetProperty("unitPrice").GetDecimal());

        // Commit happens when Catalog consumes OrderPaid.
        await WaitUntilAsync(async () => await _shop.StockAsync(product) == (7, 0));

        using (var cart = ShopServices.As(_shop.Cart, TestTokens.For("flow-buyer-1")))
        {
            await WaitUntilAsync(async () => (await CatalogService.JsonAsync(await cart.GetAsync("api/cart"))).GetProperty("lines").GetArrayLength() == 0);
        }

        using var admin = ShopServices.As(_shop.Ordering, TestTokens.Admin());
        var shipped = await CatalogService.JsonAsync(await admin.PostAsync($"api/orders/{orderId}/ship", null));
        Assert.Equal("Shipped", shipped.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_declined_card_ends_cancelled_with_the_reason_and_the_stock_back()
    {
        var product = await _shop.CreateProductAsync(20m, stock: 5);
        var orderId = await _shop.PlaceOrderAsync("flow-buyer-2", product, 2, card: "4000 0000 0000 0002");

        var order = await _shop.WaitForFinalAsync("flow-buyer-2", orderId);
        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Equal("Payment failed: The card was declined.", order.GetProperty("statusReason").GetString());
        await WaitUntilAsync(async () => await _shop.StockAsync(product) == (5, 0));
    }

    [Fact]
    public async Task An_order_for_more_than_is_left_ends_cancelled_naming_the_short_line()
    {
        var product = await _shop.CreateProductAsync(15m, stock: 2);
        var orderId = await _shop.PlaceOrderAsync("flow-buyer-3", product, 3);

        var order = await _shop.WaitForFinalAsync("flow-buyer-3", orderId);
        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Contains($"product {product} has only 2 left (you asked for 3)", order.GetProperty("statusReason").GetString());
        Assert.Equal((2, 0), await _shop.StockAsync(product));
    }

    [Fact]
    public async Task The_same_checkout_sent_20_times_at_once_makes_one_order_and_one_payment()
    {
        var product = await _shop.CreateProductAsync(10m, stock: 100);
        await _shop.AddToCartAsync("flow-buyer-4", product, 1);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _shop.CheckoutAsync("flow-buyer-4", key)));
        var ids = new HashSet<Guid>();
        foreach (var response in responses)
        {
            var body = await CatalogService.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"checkout answered {(int)response.StatusCode}: {body}");
            ids.Add(body.GetProperty("id").GetGuid());
        }

        var orderId = Assert.Single(ids);
        Assert.Equal("Paid", (await _shop.WaitForFinalAsync("flow-buyer-4", orderId)).GetProperty("status").GetString());
        using var buyer = ShopServices.As(_shop.Ordering, TestTokens.For("flow-buyer-4"));
        var list = await CatalogService.JsonAsync(await buyer.GetAsync("api/orders"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        await WaitUntilAsync(async () => await _shop.StockAsync(product) == (99, 0));

        // The same key with a different request is refused, and makes nothing.
        var reused = await _shop.CheckoutAsync("flow-buyer-4", key, ShopServices.CheckoutBody("5555 5555 5555 4444"));
        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
    }

    [Fact]
    public async Task An_empty_cart_cannot_check_out()
    {
        var response = await _shop.CheckoutAsync("flow-buyer-empty", Guid.NewGuid().ToString());
        var problem = await CatalogService.JsonAsync(response);
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("empty", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_buyer_cancel_before_payment_gives_the_stock_back()
    {
        // Slow payments leave a window in which the order waits with its stock reserved.
        await using var slow = await ShopServices.StartAsync(orderingSettings: new Dictionary<string, string?> { ["Payments:SimulatedLatency"] = "00:00:03" });
        var product = await slow.CreateProductAsync(30m, stock: 4);
        await slow.AddToCartAsync("flow-buyer-5", product, 4);
        var response = await slow.CheckoutAsync("flow-buyer-5", Guid.NewGuid().ToString());
        var accepted = await CatalogService.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"checkout answered {(int)response.StatusCode}: {accepted}");
        var orderId = accepted.GetProperty("id").GetGuid();

        using var buyer = ShopServices.As(slow.Ordering, TestTokens.For("flow-buyer-5"));
        var cancel = await buyer.PostAsync($"api/orders/{orderId}/cancel", null);
        var body = await CatalogService.JsonAsync(cancel);
        output.WriteLine($"cancel answered {(int)cancel.StatusCode}: {body}");
        var final = await slow.WaitForFinalAsync("flow-buyer-5", orderId);
        if (cancel.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal("Cancelled", final.GetProperty("status").GetString());
            await WaitUntilAsync(async () => await slow.StockAsync(product) == (4, 0));
        }
        else
        {
            // The payment had already started: the cancel is refused and the order is paid.
            Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
            Assert.Equal("Paid", final.GetProperty("status").GetString());
            await WaitUntilAsync(async () => await slow.StockAsync(product) == (0, 0));
        }
    }

    [Fact]
    public async Task An_admin_price_change_is_published_and_the_next_order_pays_the_new_price()
    {
        var product = await _shop.CreateProductAsync(10m, stock: 10);
        using var admin = ShopServices.As(_shop.Catalog, TestTokens.Admin());
        var current = await CatalogService.JsonAsync(await admin.GetAsync($"api/catalog/products/{product}"));
        var update = await admin.PutAsJsonAsync($"api/catalog/products/{product}", new
        {
            sku = current.GetProperty("sku").GetString(),
            name = current.GetProperty("name").GetString(),
            description = current.GetProperty("description").GetString(),
            brand = current.GetProperty("brand").GetString(),
            category = current.GetProperty("category").GetString(),
            price = 12.50m,
            currency = "USD",
            version = current.GetProperty("version").GetInt32(),
        });
        Assert.True(update.IsSuccessStatusCode, $"the price change answered {(int)update.StatusCode}: {await update.Content.ReadAsStringAsync()}");

        // The event left through the outbox: it is in Catalog's outbox, marked sent by the relay.
        await WaitUntilAsync(async () =>
        {
            await using var conn = new Npgsql.NpgsqlConnection(_shop.CatalogConnectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM outbox_messages WHERE aggregate_id = $1 AND message_type LIKE 'Commerce.Contracts.ProductPriceChanged%' AND sent_at IS NOT NULL AND payload->>'newPrice' = '12.50'", conn)
            {
                Parameters = { new() { Value = $"product:{product}" } },
            };
            return (long)(await cmd.ExecuteScalarAsync())! == 1;
        });

        var orderId = await _shop.PlaceOrderAsync("flow-buyer-6", product, 2);
        var order = await _shop.WaitForFinalAsync("flow-buyer-6", orderId);
        Assert.Equal(25.00m, order.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Flash_sale_500_buyers_for_50_units_sells_exactly_50()
    {
        var product = await _shop.CreateProductAsync(99m, stock: 50, name: "Flash Sale Console");
        var buyers = Enumerable.Range(0, 500).Select(i => $"flash-{i}").ToList();
        using var gate = new SemaphoreSlim(32);

        var minimum = int.MaxValue;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                minimum = Math.Min(minimum, (await _shop.StockAsync(product)).Available);
                await Task.Delay(20);
            }
        });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var orders = await Task.WhenAll(buyers.Select(async buyer =>
        {
            await gate.WaitAsync();
            try
            {
                return (buyer, await _shop.PlaceOrderAsync(buyer, product, 1));
            }
            finally
            {
                gate.Release();
            }
        }));
        var accepted = watch.Elapsed;

        var finals = new List<string>();
        foreach (var (buyer, orderId) in orders)
        {
            finals.Add((await _shop.WaitForFinalAsync(buyer, orderId, TimeSpan.FromSeconds(120))).GetProperty("status").GetString()!);
        }

        await WaitUntilAsync(async () => (await _shop.StockAsync(product)).Reserved == 0, TimeSpan.FromSeconds(60));
        await sampling.CancelAsync();
        await sampler;
        output.WriteLine($"500 checkouts accepted in {accepted.TotalSeconds:0.0} s; all final after {watch.Elapsed.TotalSeconds:0.0} s; lowest available stock seen {minimum}");

        Assert.Equal(50, finals.Count(s => s == "Paid"));
        Assert.Equal(450, finals.Count(s => s == "Cancelled"));
        Assert.Equal((0, 0), await _shop.StockAsync(product));
        Assert.True(minimum >= 0, $"available stock went to {minimum}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the condition did not hold in time");
            }

            await Task.Delay(100);
        }
    }
}
