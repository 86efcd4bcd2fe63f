namespace Commerce.Web.Services;

/// <summary>A buyer's cart as Cart serves it: current prices, with what changed since it was added.</summary>
public sealed record CartView
{
    public IReadOnlyList<CartLine> Items { get; init; } = [];
    public decimal Total { get; init; }
    public string? Currency { get; init; }

    public int Count => Items.Sum(i => i.Quantity);
}

public sealed record CartLine
{
    public int ProductId { get; init; }
    public string Name { get; init; } = "";
    public int Quantity { get; init; }

    /// <summary>The current price from Catalog.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>The price the shopper saw when adding the item.</summary>
    public decimal? PriceSeen { get; init; }

    public string? Currency { get; init; }
    public int? AvailableStock { get; init; }
    public bool PriceChanged { get; init; }
    public bool OutOfStock { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public decimal LineTotal => UnitPrice * Quantity;
}
