namespace Commerce.Cart.Contracts;

/// <summary>
/// A buyer's cart as Cart serves it: every line priced by Catalog now, with what changed since the
/// shopper looked. <see cref="Total"/> and <see cref="Currency"/> are set when every line is in one
/// currency (the normal case); <see cref="Totals"/> always has one entry per currency.
/// <see cref="ItemCount"/> counts the units of the lines that can be bought.
/// </summary>
public sealed record CartView(
    IReadOnlyList<CartLineView> Lines,
    int LineCount,
    int ItemCount,
    decimal? Total,
    string? Currency,
    IReadOnlyList<CurrencyTotal> Totals,
    bool PricesVerified,
    IReadOnlyList<CartWarning> Warnings)
{
    /// <summary>A cart without lines.</summary>
    public static CartView Empty { get; } = new([], 0, 0, null, null, [], true, []);
}

/// <summary>
/// A cart line as the shopper sees it: <see cref="UnitPrice"/> is Catalog's price now,
/// <see cref="PriceSeen"/> the price shown when the shopper last set the quantity.
/// <see cref="Available"/> is false when the product is gone: the line cannot be bought.
/// </summary>
public sealed record CartLineView(
    int ProductId,
    string Name,
    string? Sku,
    string? ImageUrl,
    int Quantity,
    decimal UnitPrice,
    decimal PriceSeen,
    bool PriceChanged,
    string Currency,
    decimal LineTotal,
    int? AvailableStock,
    bool Available,
    IReadOnlyList<CartWarning> Warnings);

public sealed record CurrencyTotal(string Currency, decimal Amount);

/// <summary>Something the shopper should know about a line or the whole cart; <see cref="Code"/> is one of <see cref="CartWarningCodes"/>.</summary>
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
