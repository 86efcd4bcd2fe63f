using Commerce.Ordering;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Payments;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Ordering;

/// <summary>Ordering alone on a new database of the test PostgreSQL, with orders written straight into it.</summary>
internal static class OrderingTestApp
{
    /// <summary>Settings for an Ordering whose Cart and Catalog are never called (nothing listens at their addresses).</summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync(TestServers servers, string database, string virtualHost)
    {
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:orderingdb"] = servers.Postgres.ConnectionString(database);
        settings["services:cart:http:0"] = $"http://127.0.0.1:{OsProcess.FreePort()}";
        settings["services:catalog:http:0"] = $"http://127.0.0.1:{OsProcess.FreePort()}";
        settings["ConnectionStrings:messaging"] = await servers.RabbitMq.CreateVirtualHostAsync($"{virtualHost}-{Guid.NewGuid():N}");
        return settings;
    }

    public static Task<KestrelApp> StartAsync(Dictionary<string, string?> settings) =>
        KestrelApp.StartServiceAsync(OrderingApp.Build, settings, OrderingApp.InitializeAsync);

    /// <summary>A Submitted order of <paramref name="buyerId"/> for two Trail Runners, paid with <paramref name="card"/>.</summary>
    public static async Task<Order> SeedOrderAsync(this KestrelApp ordering, string buyerId, string card = "4242424242424242")
    {
        await using var scope = ordering.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var payments = scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
        var parsed = PaymentCard.Parse(card, "12/30", "123", "Ada", DateTimeOffset.UtcNow).Card!;
        var order = Order.Submit(Guid.CreateVersion7(), buyerId, Guid.NewGuid().ToString(), "hash",
            new ShippingAddress("Ada", "1 Main St", "Springfield", "12345", "US"), parsed.Summary, payments.Tokenize(parsed),
            [new OrderLine(7, "Trail Runner", 89.99m, 2)], "USD", DateTimeOffset.UtcNow);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }
}
