namespace Commerce.Cart.Domain;

/// <summary>How big a cart may grow: lines per cart and quantity per line.</summary>
public sealed record CartLimits
{
    public CartLimits(int maxLines, int maxQuantity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQuantity, 1);
        MaxLines = maxLines;
        MaxQuantity = maxQuantity;
    }

    public int MaxLines { get; }
    public int MaxQuantity { get; }

    /// <summary>
    /// Checks a requested quantity for a line: 0 removes it, 1 to <see cref="MaxQuantity"/> sets it.
    /// Returns a message a shopper can act on, or null when the quantity is acceptable.
    /// </summary>
    public string? QuantityError(int quantity) => quantity switch
    {
        < 0 => $"Quantity {quantity} is negative. Send a quantity from 1 to {MaxQuantity}, or 0 to remove the line.",
        _ when quantity > MaxQuantity => $"Quantity {quantity} is above the limit of {MaxQuantity} per line. Send a quantity from 1 to {MaxQuantity}.",
        _ => null,
    };

    public string CartFullMessage(int productId) =>
        $"Your cart already holds {MaxLines} different products, the most it can hold. Remove a line before adding product {productId}.";
}
