using Commerce.Recommendations.Data;
using Commerce.BackgroundLoops;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commerce.Recommendations.Catalog;

/// <summary>
/// Learns the category of every product that sold (and again after Catalog reports a change) from
/// Catalog's public API, outside the consumers' transactions: a Catalog outage delays the category
/// fallback and the per-category trending list, never the counting. Shown in <c>/health</c> as
/// <see cref="HealthCheckName"/>.
/// </summary>
public sealed partial class CategoryRefresher(IServiceScopeFactory scopes, IOptions<RecommendationsOptions> options,
    LoopStatuses loops, TimeProvider clock, ILogger<CategoryRefresher> logger) : BackgroundService
{
    public const string HealthCheckName = "category-refresh";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.CategoryRefreshInterval;
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        return BackgroundLoop.RunAsync(loops.For(HealthCheckName), backoff, async ct =>
        {
            // A full batch suggests more are waiting: go again at once.
            return await RefreshAsync(ct) >= CatalogProducts.MaxIdsPerCall ? TimeSpan.Zero : period;
        }, clock, logger, stoppingToken);
    }

    /// <summary>One batch; returns how many products it looked up.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecommendationsDbContext>();
        var ids = await db.Products.AsNoTracking().Where(p => p.CategoryCheckedAt == null)
            .OrderBy(p => p.ProductId).Select(p => p.ProductId).Take(CatalogProducts.MaxIdsPerCall).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        var found = (await scope.ServiceProvider.GetRequiredService<CatalogProducts>().GetManyAsync(ids, cancellationToken))
            .ToDictionary(p => p.Id);
        var now = clock.GetUtcNow();
        foreach (var id in ids)
        {
            var category = found.TryGetValue(id, out var product) ? product.Category : null;
            await db.Database.ExecuteSqlAsync($"""
                UPDATE product_stats SET category = coalesce({category}, category), listed = {product is not null}, category_checked_at = {now}
                WHERE product_id = {id}
                """, cancellationToken);
        }

        LogRefreshed(logger, ids.Count, ids.Count - found.Count);
        return ids.Count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read the categories of {Count} products from Catalog ({Gone} no longer listed)")]
    private static partial void LogRefreshed(ILogger logger, int count, int gone);
}
