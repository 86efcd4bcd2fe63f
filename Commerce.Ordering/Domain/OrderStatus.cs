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

    /// <summary>
    /// One state by its name (any case). <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>
    /// would also take numbers and flag lists such as <c>Paid,Cancelled</c>, which name no single state.
    /// </summary>
    public static bool TryParse(string? text, out OrderStatus status)
    {
        foreach (var candidate in Enum.GetValues<OrderStatus>())
        {
            if (string.Equals(candidate.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
