using Commerce.Catalog.Data;
using Commerce.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// Brings one product's document in line with the database: indexed as it is now, or removed when
/// it no longer exists. It reads the current row rather than trusting the event, and writes with the
/// product's version as an external version, so replays, duplicates and out-of-order deliveries
/// all end with the newest state.
/// </summary>
public sealed partial class ProductIndexer(CatalogDbContext db, ProductSearchIndex index, IOptions<ElasticsearchOptions> options, ILogger<ProductIndexer> logger)
{
    public async Task SyncAsync(int productId, CancellationToken cancellationToken)
    {
        var alias = options.Value.IndexAlias;
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, cancellationToken);
        var applied = product is null
            ? await index.DeleteDocumentAsync(alias, productId, cancellationToken)
            : await index.IndexDocumentAsync(alias, ProductDocument.From(product), cancellationToken);
        if (!applied)
        {
            // No index yet: the build that creates it reads every product, this one included.
            LogNoIndex(logger, productId, alias);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Product {ProductId} not indexed: alias {Alias} does not exist yet; the start-up build will include it")]
    private static partial void LogNoIndex(ILogger logger, int productId, string alias);
}

/// <summary>
/// Keeps the search index true to product changes. Idempotent by nature (it re-reads the product),
/// so a plain consumer: a failure is retried with back-off by the bus, then parked in the error
/// queue for replay.
/// </summary>
public sealed class ProductSearchIndexConsumer(ProductIndexer indexer) : IConsumer<ProductChanged>, IConsumer<ProductPriceChanged>
{
    public Task Consume(ConsumeContext<ProductChanged> context) => indexer.SyncAsync(context.Message.ProductId, context.CancellationToken);

    public Task Consume(ConsumeContext<ProductPriceChanged> context) => indexer.SyncAsync(context.Message.ProductId, context.CancellationToken);
}
