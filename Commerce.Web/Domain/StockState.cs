namespace Commerce.Web.Domain;

public enum StockLevel
{
    OutOfStock,
    Low,
    InStock,
}

/// <summary>What a shopper is told about availability; exact counts only when they matter.</summary>
public readonly record struct StockState(StockLevel Level, int Available)
{
    public const int LowThreshold = 5;

    public static StockState Of(int availableStock) => availableStock switch
    {
        <= 0 => new(StockLevel.OutOfStock, 0),
        <= LowThreshold => new(StockLevel.Low, availableStock),
        _ => new(StockLevel.InStock, availableStock),
    };

    public string Label => Level switch
    {
        StockLevel.OutOfStock => "Out of stock",
        StockLevel.Low => $"Only {Available} left",
        _ => "In stock",
    };

    public bool CanBuy => Level != StockLevel.OutOfStock;
}
