namespace Commerce.Cart.Domain;

/// <summary>A cart line as the shopper sees it: current price and availability next to what they saw.</summary>
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

/// <summary>
/// The priced cart. <see cref="Total"/> and <see cref="Currency"/> are set when every line is in one
/// currency (the normal case); <see cref="Totals"/> always has one entry per currency.
/// </summary>
public sealed record CartView(
    IReadOnlyList<CartLineView> Lines,
    int LineCount,
    int ItemCount,
    decimal? Total,
    string? Currency,
    IReadOnlyList<CurrencyTotal> Totals,
    bool PricesVerified,
    IReadOnlyList<CartWarning> Warnings);
