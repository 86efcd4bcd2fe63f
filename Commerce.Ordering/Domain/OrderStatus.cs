namespace Commerce.Ordering.Domain;

/// <summary>The order states of ARCHITECTURE.md.</summary>
public enum OrderStatus
{
    Submitted,
    StockReserved,
    Paid,
    Shipped,
    Cancelled,
}

public static class OrderStatusRules
{
    public static bool IsFinal(this OrderStatus status) => status is OrderStatus.Shipped or OrderStatus.Cancelled;

    /// <summary>Settled from the shopper's side: nothing more happens without an operator.</summary>
    public static bool IsSettled(this OrderStatus status) => status is OrderStatus.Paid or OrderStatus.Shipped or OrderStatus.Cancelled;
}
