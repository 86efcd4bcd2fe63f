namespace Commerce.Web.Services;

/// <summary>A buyer's cart as Cart serves it: current prices, with what changed since the shopper looked.</summary>
public sealed record CartView
{
    public IReadOnlyList<CartLine> Lines { get; init; } = [];
    public int LineCount { get; init; }

    /// <summary>Units of the lines that can be bought.</summary>
    public int ItemCount { get; init; }

    /// <summary>Set when every line is in one currency.</summary>
    public decimal? Total { get; init; }
    public string? Currency { get; init; }
    public IReadOnlyList<CurrencyTotal> Totals { get; init; } = [];
    public bool PricesVerified { get; init; } = true;
    public IReadOnlyList<CartWarning> Warnings { get; init; } = [];
}

public sealed record CurrencyTotal(string Currency, decimal Amount);

/// <summary>Something Cart wants the shopper to know (<c>PriceChanged</c>, <c>StockShort</c>, <c>OutOfStock</c>, …).</summary>
public sealed record CartWarning(string Code, string Message);

public sealed record CartLine
{
    public int ProductId { get; init; }
    public string Name { get; init; } = "";
    public int Quantity { get; init; }

    /// <summary>The current price from Catalog.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>The price the shopper saw when they last set the quantity.</summary>
    public decimal PriceSeen { get; init; }
    public bool PriceChanged { get; init; }
    public string Currency { get; init; } = "";
    public decimal LineTotal { get; init; }
    public int? AvailableStock { get; init; }

    /// <summary>False when the product is gone or sold out: the line cannot be bought.</summary>
    public bool Available { get; init; } = true;
    public IReadOnlyList<CartWarning> Warnings { get; init; } = [];

    public bool Short => !Available || AvailableStock is { } stock && stock < Quantity;
}
