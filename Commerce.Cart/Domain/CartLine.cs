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

/// <summary>Something the shopper should know about a line or the whole cart.</summary>
public sealed record CartWarning(string Code, string Message);

public static class CartWarningCodes
{
    public const string PriceChanged = "PriceChanged";
    public const string StockShort = "StockShort";
    public const string OutOfStock = "OutOfStock";
    public const string ProductUnavailable = "ProductUnavailable";
    public const string PriceNotVerified = "PriceNotVerified";
    public const string CatalogUnavailable = "CatalogUnavailable";
    public const string MixedCurrencies = "MixedCurrencies";
    public const string QuantityCapped = "QuantityCapped";
    public const string CartFull = "CartFull";
}
