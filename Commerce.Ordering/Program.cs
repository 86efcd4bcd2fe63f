using Commerce.Ordering.Checkout;
using Commerce.Ordering.Data;
using Commerce.Ordering.Orders;
using Commerce.Ordering.Payments;
using Commerce.ServiceAuth;
using Commerce.Data;
using Commerce.BackgroundLoops;
using Commerce.ServiceDefaults.Http;
using Commerce.Messaging;
using Commerce.Messaging.Outbox;
using Commerce.Messaging.Replay;

namespace Commerce.Ordering;

public static class OrderingApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "Commerce.Ordering" });
        builder.AddServiceDefaults();
        builder.AddServiceAuthentication();
        builder.AddNpgsqlDbContext<WebApplicationBuilder, OrderingDbContext>("orderingdb");
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<StockReservedConsumer>();
            bus.AddConsumer<StockRejectedConsumer>();
        });
        builder.AddOutboxRelay<OrderingDbContext>();
        builder.Services.AddOpenApi();

        builder.Services.AddOptions<PaymentOptions>().Bind(builder.Configuration.GetSection(PaymentOptions.SectionName))
            .Validate(o => o.SweepRetryMinDelay > TimeSpan.Zero && o.SweepRetryMinDelay <= o.SweepRetryMaxDelay,
                "Payments:SweepRetryMinDelay must be positive and not exceed Payments:SweepRetryMaxDelay.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPaymentProvider, SimulatedPaymentProvider>();
        builder.Services.AddServiceHttpClient<CheckoutCartClient>("cart");
        builder.Services.AddServiceHttpClient<CheckoutCatalogClient>("catalog");
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddScoped<OrderLifecycle>();
        builder.Services.AddScoped<IOrderEvents, OutboxOrderEvents>();
        builder.Services.AddBackgroundLoopHealthCheck(ReservationTimeoutSweeper.HealthCheckName);
        builder.Services.AddHostedService<ReservationTimeoutSweeper>();
        builder.Services.AddOptions<OrderStatusOptions>().Bind(builder.Configuration.GetSection(OrderStatusOptions.SectionName))
            .Validate(o => o.MaxWait >= TimeSpan.Zero && o.MaxWait <= TimeSpan.FromSeconds(30), "OrderStatus:MaxWait must be between 0 and 30 seconds.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OrderStatusChanges>();
        builder.Services.AddBackgroundLoopHealthCheck(OrderStatusListener.HealthCheckName);
        builder.Services.AddHostedService<OrderStatusListener>();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApiInDevelopment();

        app.MapDefaultEndpoints();
        app.MapOrderEndpoints();
        app.MapMessagingAdminEndpoints();
        return app;
    }

    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default) =>
        app.MigrateDatabaseAsync<OrderingDbContext>(cancellationToken: cancellationToken);
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = OrderingApp.Build(args);
        await OrderingApp.InitializeAsync(app);
        await app.RunAsync();
    }
}
