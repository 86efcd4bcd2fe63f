using Commerce.Catalog.Caching;
using Commerce.BackgroundLoops;
using Commerce.ServiceDefaults.Http;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Commerce.Catalog.Search.Elasticsearch;

public static class ElasticsearchSearchExtensions
{
    /// <summary>
    /// When <c>ConnectionStrings:search</c> is set: Elasticsearch answers <see cref="IProductSearch"/>
    /// (PostgreSQL per request when it cannot), the index is built in the background at start-up,
    /// and <c>search</c> joins <c>/health</c>. Returns false, changing nothing, when it is not set.
    /// Call after the PostgreSQL search is registered.
    /// </summary>
    public static bool AddElasticsearchSearch(this WebApplicationBuilder builder)
    {
        var connection = ElasticsearchConnection.FromConfiguration(builder.Configuration);
        if (connection is null)
        {
            return false;
        }

        var services = builder.Services;
        services.AddSingleton(connection);
        services.AddOptions<ElasticsearchOptions>()
            .Bind(builder.Configuration.GetSection(ElasticsearchOptions.SectionName))
            .Validate(o => o.IndexAlias.Length > 0 && o.IndexAlias == o.IndexAlias.ToLowerInvariant() && !o.IndexAlias.Contains('*', StringComparison.Ordinal),
                $"{ElasticsearchOptions.SectionName}:IndexAlias must be a lower-case Elasticsearch name without '*'.")
            .Validate(o => o.BulkBatchSize > 0, $"{ElasticsearchOptions.SectionName}:BulkBatchSize must be positive.")
            .Validate(o => o.RetryDelay > TimeSpan.Zero && o.RetryDelay <= o.MaxRetryDelay,
                $"{ElasticsearchOptions.SectionName}:RetryDelay must be positive and not exceed MaxRetryDelay.")
            .ValidateOnStart();

        // HttpResilience:Clients:search(-indexing):* still override these defaults.
        AddPipeline(services, ProductSearchIndex.QueryClientName, o =>
        {
            // A search either answers quickly or PostgreSQL answers instead: no retries, and a
            // breaker that opens after a few failures so a dead Elasticsearch costs nothing per search.
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(2);
            o.Retry.ShouldHandle = static _ => PredicateResult.False();
            o.CircuitBreaker.MinimumThroughput = 4;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
        });
        AddPipeline(services, ProductSearchIndex.IndexingClientName, o =>
        {
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(60);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(3);
            // The breaker must sample at least two attempts' worth of time.
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(2);
        });

        services.AddSingleton<ProductSearchIndex>();
        services.AddSingleton<SearchIndexState>();
        services.AddSingleton<SearchIndexBuilder>();
        services.AddScoped<ProductIndexer>();
        services.AddBackgroundLoopHealthCheck(SearchIndexInitializer.HealthCheckName);
        services.AddHostedService<SearchIndexInitializer>();
        services.TryAddSingleton<CachedProductSearch>();
        services.AddSingleton<ElasticsearchProductSearch>();
        services.Replace(ServiceDescriptor.Singleton<IProductSearch>(sp => sp.GetRequiredService<ElasticsearchProductSearch>()));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            SearchHealthCheck.Name,
            sp => ActivatorUtilities.CreateInstance<SearchHealthCheck>(sp),
            HealthStatus.Degraded,
            ["ready", "search"],
            TimeSpan.FromSeconds(3)));
        return true;
    }

    /// <summary>The HttpClient pipeline the official client sends through (<see cref="ElasticsearchConnection.CreateClient"/>).</summary>
    private static void AddPipeline(IServiceCollection services, string name, Action<HttpStandardResilienceOptions> resilience) =>
        services.AddHttpClient(name).AddClientResilience(resilience);

    /// <summary>The consumers that keep the index true to product events; register inside <c>AddMessaging</c>.</summary>
    public static IBusRegistrationConfigurator AddProductSearchIndexConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ProductSearchIndexConsumer>();
        return bus;
    }
}
