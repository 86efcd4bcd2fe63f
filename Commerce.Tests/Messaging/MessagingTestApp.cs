using Commerce.ServiceAuth;
using Commerce.Data;
using Commerce.Messaging;
using Commerce.Messaging.Outbox;
using Commerce.Messaging.Replay;
using Commerce.Tests.Infrastructure;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Messaging;

/// <summary>
/// A service in miniature, wired the way real services are: the test DbContext with its outbox
/// relay, the test consumers, the admin replay endpoint, on real Kestrel.
/// </summary>
public static class MessagingTestApp
{
    /// <summary>Settings for a test: its own database and broker address, short retries.</summary>
    public static Dictionary<string, string?> Settings(string postgres, string rabbit, IDictionary<string, string?>? extra = null)
    {
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:messagingdb"] = postgres;
        settings["ConnectionStrings:messaging"] = rabbit;
        settings["Messaging:RetryLimit"] = "2";
        settings["Messaging:RetryMinInterval"] = "00:00:00.050";
        settings["Messaging:RetryMaxInterval"] = "00:00:00.200";
        settings["Messaging:RetryIntervalDelta"] = "00:00:00.050";
        // One at a time, so that arrival order shows publish order.
        settings["Messaging:PrefetchCount"] = "1";
        // Only a commit's notification wakes the relay in these tests, so they show that it does.
        settings["Messaging:Outbox:PollInterval"] = "01:00:00";
        settings["Messaging:Outbox:LeaderRetryInterval"] = "00:00:00.500";
        settings["Messaging:Outbox:PublishTimeout"] = "00:00:02";
        settings["Messaging:Outbox:RetryMaxDelay"] = "00:00:01";
        if (Environment.GetEnvironmentVariable("COMMERCE_TEST_RELAY_DEBUG") == "1")
        {
            settings["Logging:LogLevel:Commerce.Messaging"] = "Debug";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<KestrelApp> StartAsync(IDictionary<string, string?> settings, Action<IBusRegistrationConfigurator>? consumers = null) =>
        KestrelApp.StartServiceAsync(
            args => Build(args, consumers),
            settings,
            (app, ct) => app.MigrateDatabaseAsync<MessagingTestDb>(cancellationToken: ct));

    private static WebApplication Build(string[] args, Action<IBusRegistrationConfigurator>? consumers)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = "Commerce.Tests",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddServiceDefaults();
        builder.AddServiceAuthentication();
        builder.AddNpgsqlDbContext<WebApplicationBuilder, MessagingTestDb>("messagingdb");
        builder.AddMessaging(consumers ?? (x =>
        {
            x.AddConsumer<PriceChangedDeliveries>();
            x.AddConsumer<PriceChangedProjection>();
            x.AddConsumer<ProductChangedProjection>();
        }));
        builder.AddOutboxRelay<MessagingTestDb>();
        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<FaultSwitch>();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapMessagingAdminEndpoints();
        return app;
    }

    public static async Task WaitForBusAsync(this KestrelApp app, TimeSpan? timeout = null)
    {
        var bus = app.App.Services.GetRequiredService<IBusControl>();
        var status = await bus.WaitForHealthStatus(BusHealthStatus.Healthy, timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(status == BusHealthStatus.Healthy, $"The bus did not become healthy: {bus.CheckHealth().Description}");
    }

    /// <summary>Changes a product's price and records the event in the same SaveChanges.</summary>
    public static async Task<ProductPriceChangedSaved> ChangePriceAsync(this KestrelApp app, int productId, decimal newPrice)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();
        var product = await db.Products.FindAsync(productId);
        if (product is null)
        {
            product = new TestProduct { Id = productId, Price = 0 };
            db.Products.Add(product);
        }

        var @event = new Contracts.ProductPriceChanged(productId, product.Price, newPrice, "EUR");
        product.Price = newPrice;
        db.AddOutboxMessage($"product:{productId}", @event);
        await db.SaveChangesAsync();
        return new ProductPriceChangedSaved(@event, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public static async Task<T> QueryAsync<T>(this KestrelApp app, Func<MessagingTestDb, Task<T>> query)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MessagingTestDb>());
    }

    public static DeliveryLog Deliveries(this KestrelApp app) => app.App.Services.GetRequiredService<DeliveryLog>();

    public static FaultSwitch Faults(this KestrelApp app) => app.App.Services.GetRequiredService<FaultSwitch>();

    public static async Task<List<AppliedEvent>> AppliedAsync(this KestrelApp app, string consumer) =>
        await app.QueryAsync(db => db.AppliedEvents.Where(a => a.Consumer == consumer).OrderBy(a => a.Id).ToListAsync());
}

public sealed record ProductPriceChangedSaved(Contracts.ProductPriceChanged Event, long CommittedAt);
