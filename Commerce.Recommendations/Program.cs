using Commerce.Recommendations.Api;
using Commerce.Recommendations.Catalog;
using Commerce.Recommendations.Data;
using Commerce.Recommendations.Orders;
using Commerce.ServiceAuth;
using Commerce.Data;
using Commerce.BackgroundLoops;
using Commerce.ServiceDefaults.Http;
using Commerce.Messaging;
using Commerce.Messaging.Replay;

namespace Commerce.Recommendations;

/// <summary>The recommendations service as one unit: tests and Program build and initialize it the same way.</summary>
public static class RecommendationsApp
{
    public const string DatabaseName = "recommendationsdb";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "Commerce.Recommendations" });
        builder.AddServiceDefaults();
        // Only the error-queue replay route needs a token; the recommendations are public.
        builder.AddServiceAuthentication();
        builder.AddNpgsqlDbContext<WebApplicationBuilder, RecommendationsDbContext>(DatabaseName);
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<OrderSubmittedConsumer>();
            bus.AddConsumer<OrderPaidConsumer>();
            bus.AddConsumer<OrderCancelledConsumer>();
            bus.AddConsumer<ProductChangedConsumer>();
        });
        builder.Services.AddOpenApi();

        builder.Services.AddOptions<RecommendationsOptions>().Bind(builder.Configuration.GetSection(RecommendationsOptions.SectionName))
            .Validate(o => o.TrendingWindow > TimeSpan.Zero, "Recommendations:TrendingWindow must be positive.")
            .Validate(o => o.CacheDuration >= TimeSpan.Zero, "Recommendations:CacheDuration must not be negative.")
            .Validate(o => o.CategoryRefreshInterval > TimeSpan.Zero, "Recommendations:CategoryRefreshInterval must be positive.")
            .ValidateOnStart();
        var cacheDuration = builder.Configuration.GetSection(RecommendationsOptions.SectionName)
            .GetValue(nameof(RecommendationsOptions.CacheDuration), new RecommendationsOptions().CacheDuration);
        builder.Services.AddOutputCache(o => o.AddPolicy(RecommendationEndpoints.CachePolicy, policy =>
        {
            policy.Expire(cacheDuration > TimeSpan.Zero ? cacheDuration : TimeSpan.FromTicks(1)).SetVaryByQuery("take", "category");
            if (cacheDuration <= TimeSpan.Zero)
            {
                policy.NoCache();
            }
        }));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddServiceHttpClient<CatalogProducts>("catalog");
        builder.Services.AddScoped<SalesLedger>();
        builder.Services.AddScoped<RecommendationReader>();
        builder.Services.AddBackgroundLoopHealthCheck(CategoryRefresher.HealthCheckName);
        builder.Services.AddHostedService<CategoryRefresher>();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();
        app.MapOpenApiInDevelopment();

        app.MapDefaultEndpoints();
        app.MapRecommendationEndpoints();
        app.MapMessagingAdminEndpoints();
        return app;
    }

    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default) =>
        app.MigrateDatabaseAsync<RecommendationsDbContext>(cancellationToken: cancellationToken);
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = RecommendationsApp.Build(args);
        await RecommendationsApp.InitializeAsync(app);
        await app.RunAsync();
    }
}
