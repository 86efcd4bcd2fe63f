namespace Commerce.Contracts;

/// <summary>
/// An admin changed a product's price; the search index (when Elasticsearch is on) re-indexes the
/// product. Carts need no event: they compare each line's price seen with Catalog's price when read.
/// </summary>
public sealed record ProductPriceChanged(int ProductId, decimal OldPrice, decimal NewPrice, string Currency) : IntegrationEvent;

public enum ProductChangeKind
{
    Created,
    Updated,
    Deleted,
    Stock,
}

/// <summary>A product changed in a way caches and the search index must follow.</summary>
public sealed record ProductChanged(int ProductId, ProductChangeKind Kind) : IntegrationEvent;
