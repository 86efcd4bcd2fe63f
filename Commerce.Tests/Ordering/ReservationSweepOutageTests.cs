using Commerce.Ordering;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Orders;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Commerce.Tests.Ordering;

public sealed class ReservationSweepOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task The_sweep_keeps_running_through_a_database_outage_longer_than_its_backoff_cap_then_cancels_what_timed_out()
    {
        var servers = await TestServers.GetAsync();
        await using var postgres = await PostgresServer.StartAsync();
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:orderingdb"] = postgres.ConnectionString("sweepoutage") + ";Timeout=2";
        // Cart and Catalog are not called; nothing listens at these addresses.
        settings["services:cart:http:0"] = $"http://127.0.0.1:{OsProcess.FreePort()}";
        settings["services:catalog:http:0"] = $"http://127.0.0.1:{OsProcess.FreePort()}";
        settings["ConnectionStrings:messaging"] = await servers.RabbitMq.CreateVirtualHostAsync($"sweep-outage-{Guid.NewGuid():N}");
        settings["Payments:ReservationTimeout"] = "00:00:02"; // swept every 200 ms
        settings["Payments:SweepRetryMinDelay"] = "00:00:00.050";
        settings["Payments:SweepRetryMaxDelay"] = BackoffCap.ToString("c");
        await using var ordering = await KestrelApp.StartServiceAsync(OrderingApp.Build, settings, OrderingApp.InitializeAsync);
        var stopping = ordering.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var client = ordering.CreateClient();
        await HealthProbe.WaitForAsync(client, ReservationTimeoutSweeper.HealthCheckName, "Healthy");

        // Stock reserved, then no payment: its reservation times out while the database is away.
        var orderId = await SeedReservedOrderAsync(ordering);
        await postgres.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        var later = await HealthProbe.AssertLoopKeepsTryingAsync(client, ReservationTimeoutSweeper.HealthCheckName, BackoffCap, stopping);

        await postgres.RestartAsync();
        await HealthProbe.WaitForAsync(client, ReservationTimeoutSweeper.HealthCheckName, "Healthy");
        var recovered = outage.Elapsed;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Order order;
        do
        {
            await Task.Delay(200);
            order = await ReadOrderAsync(ordering, orderId);
        }
        while (order.Status != OrderStatus.Cancelled && DateTime.UtcNow < deadline);

        output.WriteLine($"outage {recovered.TotalSeconds:0.0} s with {HealthProbe.ConsecutiveFailures(later)} failed sweeps seen; order {order.Status} ({order.StatusReason})");
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal(OrderLifecycle.PaymentTimeoutReason, order.StatusReason);
        Assert.False(stopping.IsCancellationRequested);
    }

    private static async Task<Guid> SeedReservedOrderAsync(KestrelApp ordering)
    {
        await using var scope = ordering.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var now = DateTimeOffset.UtcNow;
        var order = Order.Submit(Guid.CreateVersion7(), "buyer-sweep", Guid.NewGuid().ToString(), "hash",
            new ShippingAddress("Ada", "1 Main St", "Springfield", "12345", "US"), new CardSummary("Visa", "4242"), "pm_sim_ok_sweep",
            [new OrderLine(7, "Trail Runner", 89.99m, 1)], "USD", now);
        Assert.Equal(TransitionResult.Moved, order.MarkStockReserved(now));
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order.Id;
    }

    private static async Task<Order> ReadOrderAsync(KestrelApp ordering, Guid id)
    {
        await using var scope = ordering.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Orders.AsNoTracking().SingleAsync(o => o.Id == id);
    }
}
