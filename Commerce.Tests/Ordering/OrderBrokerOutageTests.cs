using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Payments;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Commerce.Tests.Ordering;

public sealed class OrderBrokerOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Orders_placed_while_the_broker_is_down_all_end_final_once_it_is_back()
    {
        await using var rabbit = await RabbitMqServer.StartAsync();
        await using var shop = await ShopServices.StartAsync(messaging: rabbit.ConnectionString());
        var product = await shop.CreateProductAsync(12m, stock: 8);

        // Before the outage, one order goes through, so every queue exists.
        var warmUp = await shop.PlaceOrderAsync("outage-warmup", product, 1);
        Assert.Equal("Paid", (await shop.WaitForFinalAsync("outage-warmup", warmUp)).GetProperty("status").GetString());

        await rabbit.StopAsync();
        var orders = new List<(string Buyer, Guid Id)>();
        for (var i = 0; i < 10; i++)
        {
            var buyer = $"outage-{i}";
            orders.Add((buyer, await shop.PlaceOrderAsync(buyer, product, 1)));
        }

        foreach (var (buyer, id) in orders)
        {
            Assert.Equal("Submitted", (await shop.GetOrderAsync(buyer, id)).GetProperty("status").GetString());
        }

        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await rabbit.RestartAsync();
        var statuses = new List<string>();
        foreach (var (buyer, id) in orders)
        {
            statuses.Add((await shop.WaitForFinalAsync(buyer, id, TimeSpan.FromSeconds(120))).GetProperty("status").GetString()!);
        }

        output.WriteLine($"all 10 orders final {restarted.Elapsed.TotalSeconds:0.0} s after the broker restart began");

        // 7 units were left for 10 orders of one: 7 paid, 3 rejected; the stock is exactly used up.
        Assert.Equal(7, statuses.Count(s => s == "Paid"));
        Assert.Equal(3, statuses.Count(s => s == "Cancelled"));
        await WaitForStockAsync(shop, product, (0, 0));

        // Nothing applied twice: one payment per paid order, each charged once.
        await using var scope = shop.Ordering.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var provider = (SimulatedPaymentProvider)scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
        var ids = orders.Select(o => o.Id).ToList();
        var payments = await db.Payments.Where(p => ids.Contains(p.OrderId)).ToListAsync();
        Assert.Equal(7, payments.Count(p => p.Status == PaymentStatus.Approved));
        Assert.All(payments, p => Assert.Equal(1, provider.ChargesFor(p.IdempotencyKey)));
        Assert.Equal(7, await db.Orders.CountAsync(o => ids.Contains(o.Id) && o.Status == OrderStatus.Paid));
    }

    [Fact]
    public async Task An_order_waits_in_the_outbox_until_ordering_can_receive_the_reply()
    {
        // Ordering's StockReserved queue cannot be declared while a queue of that name with other
        // settings is in the way: its endpoint keeps failing, as a slow or fresh start leaves it for a while.
        var servers = await TestServers.GetAsync();
        var virtualHost = $"reply-{Guid.NewGuid():N}";
        var messaging = await servers.RabbitMq.CreateVirtualHostAsync(virtualHost);
        await servers.RabbitMq.DeclareQueueAsync(virtualHost, "ordering-stock-reserved", durable: false);
        await using var shop = await ShopServices.StartAsync(messaging, new Dictionary<string, string?>
        {
            ["Messaging:Outbox:ReceiveReadyTimeout"] = "00:05:00",
            // A leader's step (here: waiting for the endpoints) may not take longer than this.
            ["Messaging:Outbox:StuckTimeout"] = "00:06:00",
        });
        var product = await shop.CreateProductAsync(15m, stock: 5);
        var order = await shop.PlaceOrderAsync("reply-buyer", product, 2);

        // Had OrderSubmitted left, Catalog would have reserved the stock, and its StockReserved would
        // have found no queue bound for it: dropped by the broker, and the order stuck.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal((5, 0), await shop.StockAsync(product));
        Assert.Equal("Submitted", (await shop.GetOrderAsync("reply-buyer", order)).GetProperty("status").GetString());

        await servers.RabbitMq.DeleteQueueAsync(virtualHost, "ordering-stock-reserved");
        var final = await shop.WaitForFinalAsync("reply-buyer", order, TimeSpan.FromSeconds(90));
        Assert.Equal("Paid", final.GetProperty("status").GetString());
        await WaitForStockAsync(shop, product, (3, 0));
    }

    private static async Task WaitForStockAsync(ShopServices shop, int product, (int, int) expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await shop.StockAsync(product) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"stock is {await shop.StockAsync(product)}, expected {expected}");
            await Task.Delay(200);
        }
    }
}
