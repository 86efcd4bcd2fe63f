using Commerce.Catalog.Caching;
using Commerce.Catalog.Data;
using Commerce.Catalog.Images;
using Commerce.Catalog.Orders;
using Commerce.Catalog.Products;
using Commerce.Catalog.Search;
using Commerce.Catalog.Search.Elasticsearch;
using Commerce.Catalog.Stock;
using Commerce.ServiceAuth;
using Commerce.Data;
using Commerce.Messaging;
using Commerce.Messaging.Outbox;
using Commerce.Messaging.Replay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Commerce.Catalog;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = CatalogApp.Build(args);
        await CatalogApp.InitializeAsync(app, CancellationToken.None);
        await app.RunAsync();
    }
}

/// <summary>The catalog service as one unit: tests and Program build and initialize it the same way.</summary>
public static class CatalogApp
{
    public const string DatabaseName = "catalogdb";
    public const string CacheName = "cache";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "Commerce.Catalog" });
        builder.AddServiceDefaults();
        builder.AddServiceAuthentication();
        builder.AddNpgsqlDbContext<WebApplicationBuilder, CatalogDbContext>(DatabaseName);
        // The cache is an optimisation: without Redis the catalog is slower, not down.
        builder.AddRedisConnection(CacheName, HealthStatus.Degraded);

        // A long search text must reach the handler, which explains the limit, rather than be cut
        // off by Kestrel with a bare 414.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestLineSize = 32 * 1024);

        builder.Services.AddOptions<CatalogOptions>().Bind(builder.Configuration.GetSection(CatalogOptions.SectionName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProductCache>();
        builder.Services.AddScoped<ProductReader>();
        builder.Services.AddScoped<ProductCommands>();
        builder.Services.AddScoped<IProductChangeObserver, OutboxProductEvents>();
        builder.Services.AddSingleton<StockReservations>();
        builder.Services.AddSingleton<SearchResultCache>();
        builder.Services.AddSingleton<PostgresProductSearch>();
        builder.Services.AddSingleton<IProductSearch, CachedProductSearch>();
        var elasticsearch = builder.AddElasticsearchSearch();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<OrderSubmittedConsumer>();
            bus.AddConsumer<OrderPaidConsumer>();
            bus.AddConsumer<OrderCancelledConsumer>();
            if (elasticsearch)
            {
                // The index follows product changes through their events.
                bus.AddProductSearchIndexConsumers();
            }
        });
        builder.AddOutboxRelay<CatalogDbContext>();

        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();

        if (app.MapOpenApiInDevelopment())
        {
            app.UseSwaggerUI(o => o.SwaggerEndpoint("/openapi/v1.json", "Commerce Catalog v1"));
        }

        app.MapDefaultEndpoints();
        app.MapProductEndpoints();
        app.MapProductAdminEndpoints();
        app.MapProductImageEndpoints();
        app.MapMessagingAdminEndpoints();
        return app;
    }

    /// <summary>Migrates and seeds under the database's advisory lock, so replicas starting together do it once.</summary>
    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var seed = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CatalogOptions>>().Value.Seed;
        return app.MigrateDatabaseAsync<CatalogDbContext>(seed ? CatalogSeeder.SeedAsync : null, cancellationToken: cancellationToken);
    }
}
