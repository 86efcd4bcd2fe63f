namespace Commerce.Cart.Domain;

/// <summary>
/// One product in a buyer's cart, as the cart stores it. <see cref="PriceSeen"/> is the price the
/// shopper was shown when they last set the quantity; <see cref="LastKnownPrice"/> is the latest
/// price the cart heard from Catalog, shown when Catalog cannot be asked.
/// </summary>
public sealed record CartLine(
    int ProductId,
    int Quantity,
    decimal PriceSeen,
    decimal LastKnownPrice,
    string Currency,
    string Name,
    DateTimeOffset AddedAt);

/// <summary>What Catalog says about a product right now.</summary>
public sealed record ProductSnapshot(
    int Id,
    string Name,
    decimal Price,
    string Currency,
    int AvailableStock,
    string? Sku = null,
    string? ImageUrl = null);
