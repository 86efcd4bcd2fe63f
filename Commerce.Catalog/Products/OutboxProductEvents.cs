using Commerce.Catalog.Data;
using Commerce.Messaging.Outbox;

namespace Commerce.Catalog.Products;

/// <summary>
/// Puts every product change on the outbox, in the transaction that saves it: ProductChanged for
/// caches and the search index, ProductPriceChanged when an admin changed the price.
/// </summary>
public sealed class OutboxProductEvents : IProductChangeObserver
{
    public ValueTask OnSavingAsync(CatalogDbContext db, ProductChange change, CancellationToken cancellationToken)
    {
        var aggregate = $"product:{change.ProductId}";
        db.AddOutboxMessage(aggregate, new Commerce.Contracts.ProductChanged(change.ProductId, change.Kind switch
        {
            ProductChangeKind.Created => Commerce.Contracts.ProductChangeKind.Created,
            ProductChangeKind.Deleted => Commerce.Contracts.ProductChangeKind.Deleted,
            ProductChangeKind.StockAdjusted => Commerce.Contracts.ProductChangeKind.Stock,
            _ => Commerce.Contracts.ProductChangeKind.Updated,
        }));
        if (change.Price is { } price)
        {
            db.AddOutboxMessage(aggregate, new Commerce.Contracts.ProductPriceChanged(change.ProductId, price.OldPrice, price.NewPrice, price.NewCurrency));
        }

        return ValueTask.CompletedTask;
    }
}
