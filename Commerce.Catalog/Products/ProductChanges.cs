using Commerce.Catalog.Data;
using Commerce.Catalog.Domain;

namespace Commerce.Catalog.Products;

public enum ProductChangeKind
{
    Created,
    Updated,
    Deleted,
    StockAdjusted,
}

/// <summary>A change to one product; <see cref="Price"/> is set when its price changed.</summary>
public sealed record ProductChange(int ProductId, ProductChangeKind Kind, int Version, PriceChange? Price);

/// <summary>
/// Told about every product change inside the transaction that saves it, before it commits. This
/// is where integration events (ProductChanged, ProductPriceChanged) join the change: an outbox
/// observer adds its rows to <paramref name="db"/>, which is saved in the same transaction.
/// </summary>
public interface IProductChangeObserver
{
    ValueTask OnSavingAsync(CatalogDbContext db, ProductChange change, CancellationToken cancellationToken);
}
