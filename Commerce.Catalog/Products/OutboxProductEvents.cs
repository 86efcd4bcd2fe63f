using Commerce.Catalog.Data;
using Commerce.Messaging.Outbox;
using Contracts = Commerce.Contracts;

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
        db.AddOutboxMessage(aggregate, new Contracts.ProductChanged(change.ProductId, change.Kind switch
        {
            ProductChangeKind.Created => Contracts.ProductChangeKind.Created,
            ProductChangeKind.Deleted => Contracts.ProductChangeKind.Deleted,
            ProductChangeKind.StockAdjusted => Contracts.ProductChangeKind.Stock,
            _ => Contracts.ProductChangeKind.Updated,
        }));
        if (change.Price is { } price)
        {
            db.AddOutboxMessage(aggregate, new Contracts.ProductPriceChanged(change.ProductId, price.OldPrice, price.NewPrice, price.NewCurrency));
        }

        return ValueTask.CompletedTask;
    }
}
