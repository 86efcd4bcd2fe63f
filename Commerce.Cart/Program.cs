using Commerce.Cart.Orders;
using Commerce.Messaging;
using Commerce.Messaging.Replay;
using Commerce.Cart.Carts;
using Commerce.Cart.Catalog;
using Commerce.Cart.Storage;
using Commerce.ServiceAuth;
using Commerce.Data;
using Commerce.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace Commerce.Cart;

public static class CartApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "Commerce.Cart" });
        builder.AddServiceDefaults();
        builder.AddServiceAuthentication();
        // Carts live only in Redis: without it the service cannot work, so its health is Unhealthy.
        builder.AddRedisConnection("cache");
        builder.AddMessaging(bus => bus.AddConsumer<OrderSubmittedConsumer>());

        builder.Services.AddOptions<CartOptions>().BindConfiguration(CartOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CartOptions>, CartOptionsValidation>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CartStore>();
        builder.Services.AddScoped<CartService>();
        builder.Services.AddServiceHttpClient<CartCatalogClient>("catalog");
        builder.Services.AddExceptionHandler<RedisUnavailableHandler>();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapOpenApiInDevelopment();
        app.MapCartEndpoints();
        app.MapMessagingAdminEndpoints();
        return app;
    }

    /// <summary>Nothing to migrate or seed: a cart is created by its first line.</summary>
    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        await using var app = CartApp.Build(args);
        await CartApp.InitializeAsync(app, CancellationToken.None);
        await app.RunAsync();
    }
}
