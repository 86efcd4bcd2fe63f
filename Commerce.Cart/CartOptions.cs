using Commerce.Cart.Domain;
using Microsoft.Extensions.Options;

namespace Commerce.Cart;

/// <summary>Cart settings, bound from <c>Cart</c> (e.g. environment variable <c>Cart__MaxLines</c>).</summary>
public sealed class CartOptions
{
    public const string SectionName = "Cart";

    /// <summary>Different products one cart may hold.</summary>
    public int MaxLines { get; set; } = 100;

    /// <summary>Units of one product per line.</summary>
    public int MaxQuantity { get; set; } = 99;

    /// <summary>A cart disappears this long after it was last read or changed.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Prefix of every Redis key the cart writes, so that several environments (or test classes) can
    /// share one Redis without seeing each other's carts.
    /// </summary>
    public string KeyPrefix { get; set; } = "cart:";

    /// <summary>What a 503 tells the client to wait before trying again when Catalog cannot verify an item.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a cart waits for Catalog's prices (retries included) before answering with the last
    /// prices seen; shorter than the HTTP resilience defaults so a slow Catalog makes reads degrade, not hang.
    /// </summary>
    public TimeSpan CatalogTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the cart remembers that it was emptied for an order, so a redelivered event is ignored.</summary>
    public TimeSpan OrderMarkerExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Optimistic attempts of a merge before it gives up because the carts keep changing.</summary>
    public int MergeAttempts { get; set; } = 10;

    public CartLimits Limits => new(MaxLines, MaxQuantity);

    internal IEnumerable<string> Problems()
    {
        if (MaxLines < 1)
        {
            yield return $"Cart:MaxLines is {MaxLines}; it must be at least 1.";
        }

        if (MaxQuantity < 1)
        {
            yield return $"Cart:MaxQuantity is {MaxQuantity}; it must be at least 1.";
        }

        if (Expiry <= TimeSpan.Zero)
        {
            yield return $"Cart:Expiry is {Expiry}; it must be positive (e.g. 30.00:00:00).";
        }

        if (OrderMarkerExpiry <= TimeSpan.Zero)
        {
            yield return $"Cart:OrderMarkerExpiry is {OrderMarkerExpiry}; it must be positive.";
        }

        if (RetryAfter < TimeSpan.FromSeconds(1))
        {
            yield return $"Cart:RetryAfter is {RetryAfter}; it must be at least one second.";
        }

        if (CatalogTimeout <= TimeSpan.Zero)
        {
            yield return $"Cart:CatalogTimeout is {CatalogTimeout}; it must be positive (e.g. 00:00:03).";
        }

        if (MergeAttempts < 1)
        {
            yield return $"Cart:MergeAttempts is {MergeAttempts}; it must be at least 1.";
        }
    }
}

internal sealed class CartOptionsValidation : IValidateOptions<CartOptions>
{
    public ValidateOptionsResult Validate(string? name, CartOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
