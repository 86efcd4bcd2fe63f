using Commerce.Catalog.Data;
using Commerce.Data;
using Commerce.BackgroundLoops;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// Makes sure the alias points at a complete index with the current mapping. When it is missing or
/// carries another mapping version, a new index is built from PostgreSQL in bulk, refreshed, and
/// only then the alias is switched to it in one atomic <c>_aliases</c> call; the old index is
/// deleted afterwards. Replicas take turns under a PostgreSQL advisory lock, so one builds and the
/// others find the result current.
/// </summary>
public sealed partial class SearchIndexBuilder(
    IServiceScopeFactory scopes,
    ProductSearchIndex searchIndex,
    IOptions<ElasticsearchOptions> options,
    TimeProvider time,
    ILogger<SearchIndexBuilder> logger)
{
    private readonly ElasticsearchOptions _options = options.Value;

    /// <summary>Returns what it found or did, for the health check to show.</summary>
    public async Task<string> EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var alias = _options.IndexAlias;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        // One replica builds; the others wait, then find the index current.
        return await db.Database.RunExclusiveAsync("Commerce.Catalog.SearchIndex:" + alias, async () =>
        {
            var current = await searchIndex.GetMappingVersionsAsync(alias, cancellationToken);
            if (current is { Count: 1 } && current.Single() is var (name, version) && name != alias && version == ElasticsearchRequests.MappingVersion)
            {
                return $"Index {name} (mapping version {version}) is current.";
            }

            return await RebuildAsync(db, alias, current ?? [], cancellationToken);
        }, cancellationToken);
    }

    private async Task<string> RebuildAsync(CatalogDbContext db, string alias, Dictionary<string, int?> current, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var index = ElasticsearchRequests.NewIndexName(alias, started);
        LogBuilding(logger, index, current.Count == 0 ? "the alias does not exist" : $"it points at {string.Join(", ", current.Select(c => $"{c.Key} (mapping version {c.Value?.ToString() ?? "none"})"))}");
        await searchIndex.CreateIndexAsync(ElasticsearchRequests.CreateIndex(index), cancellationToken);

        var indexed = new HashSet<int>();
        var lastId = 0;
        while (true)
        {
            var batch = await db.Products.AsNoTracking().Where(p => p.Id > lastId).OrderBy(p => p.Id).Take(_options.BulkBatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            await searchIndex.BulkAsync(ElasticsearchRequests.Bulk(index, batch.Select(ProductDocument.From)), cancellationToken);
            indexed.UnionWith(batch.Select(p => p.Id));
            lastId = batch[^1].Id;
        }

        await searchIndex.RefreshAsync(index, cancellationToken);

        // A plain index under the alias's name (auto-created by a stray write) would block the alias.
        if (current.ContainsKey(alias))
        {
            await searchIndex.DeleteIndexAsync(alias, cancellationToken);
        }

        var old = current.Keys.Where(k => k != alias).ToList();
        await searchIndex.UpdateAliasesAsync(ElasticsearchRequests.SwapAlias(alias, index, old), cancellationToken);

        // Changes that committed while the bulk read ran went (through events) to the old index:
        // bring them over. Versions make this safe against the events that reach the new one.
        var since = started - _options.CatchUpMargin;
        var changed = await db.Products.AsNoTracking().Where(p => p.UpdatedAt >= since).ToListAsync(cancellationToken);
        var remaining = await db.Products.AsNoTracking().Select(p => p.Id).ToListAsync(cancellationToken);
        var deleted = indexed.Except(remaining).ToList();
        if (changed.Count > 0 || deleted.Count > 0)
        {
            await searchIndex.BulkAsync(ElasticsearchRequests.Bulk(index, changed.Select(ProductDocument.From), deleted), cancellationToken);
        }

        // Old generations and any index a crashed build left behind.
        foreach (var stale in (await searchIndex.ListIndicesAsync($"{alias}-v*", cancellationToken)).Union(old).Where(i => i != index).Distinct())
        {
            await searchIndex.DeleteIndexAsync(stale, cancellationToken);
        }

        LogBuilt(logger, index, indexed.Count, (time.GetUtcNow() - started).TotalMilliseconds);
        return $"Index {index} (mapping version {ElasticsearchRequests.MappingVersion}) built with {indexed.Count} products.";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Building search index {Index}: {Reason}")]
    private static partial void LogBuilding(ILogger logger, string index, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index {Index} built with {Count} products in {Milliseconds:0} ms; the alias points at it")]
    private static partial void LogBuilt(ILogger logger, string index, int count, double milliseconds);
}

/// <summary>
/// Runs <see cref="SearchIndexBuilder"/> in the background once the service has started: the HTTP
/// server never waits for Elasticsearch, and a failure is retried with back-off (shown in <c>/health</c>
/// as <see cref="HealthCheckName"/> and <c>search</c>) instead of stopping the process. Searches use
/// PostgreSQL until it succeeds; then the loop ends.
/// </summary>
public sealed partial class SearchIndexInitializer(
    SearchIndexBuilder builder,
    SearchIndexState state,
    ElasticsearchConnection connection,
    IOptions<ElasticsearchOptions> options,
    LoopStatuses loops,
    TimeProvider clock,
    ILogger<SearchIndexInitializer> logger) : BackgroundService
{
    public const string HealthCheckName = "search-index-build";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.MarkNotReady($"Checking the search index at {connection}; searches are answered by PostgreSQL meanwhile.");
        var backoff = new Backoff(options.Value.RetryDelay, options.Value.MaxRetryDelay);
        return BackgroundLoop.RunAsync(loops.For(HealthCheckName), backoff, async ct =>
        {
            try
            {
                state.MarkReady(await builder.EnsureCurrentAsync(ct));
                return BackgroundLoop.Done;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                state.MarkNotReady($"The search index at {connection} could not be checked or built ({ex.Message}); searches are answered by PostgreSQL. Retrying.");
                throw;
            }
        }, clock, logger, stoppingToken);
    }
}
