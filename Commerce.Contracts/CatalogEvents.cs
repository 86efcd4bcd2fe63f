namespace Commerce.Contracts;

/// <summary>An admin changed a product's price; carts warn buyers who saw the old one.</summary>
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
