using Commerce.Cart.Contracts;

namespace Commerce.Cart.Domain;

/// <summary>What merging one cart into another changes, and what the shopper should be told.</summary>
public sealed record CartMergeResult(IReadOnlyList<CartLine> Upserts, IReadOnlyList<CartWarning> Warnings);

/// <summary>
/// Merges the cart a shopper filled before signing in into their account's cart: quantities of the
/// same product add up to at most the per-line limit; new products join while the cart has room,
/// oldest first. The account's cart keeps the price it saw for products it already held.
/// </summary>
public static class CartMerge
{
    public static CartMergeResult Merge(IReadOnlyCollection<CartLine> target, IReadOnlyCollection<CartLine> source, CartLimits limits)
    {
        var byProduct = target.ToDictionary(l => l.ProductId);
        var lineCount = byProduct.Count;
        var upserts = new List<CartLine>();
        var warnings = new List<CartWarning>();

        foreach (var incoming in source.OrderBy(l => l.AddedAt).ThenBy(l => l.ProductId))
        {
            if (byProduct.TryGetValue(incoming.ProductId, out var existing))
            {
                var wanted = existing.Quantity + incoming.Quantity;
                var quantity = Math.Min(wanted, limits.MaxQuantity);
                if (quantity != existing.Quantity)
                {
                    upserts.Add(existing with { Quantity = quantity });
                }

                if (quantity < wanted)
                {
                    warnings.Add(new CartWarning(CartWarningCodes.QuantityCapped,
                        $"{existing.Name}: {wanted} wanted, kept at {limits.MaxQuantity}, the most one line can hold."));
                }

                continue;
            }

            if (lineCount >= limits.MaxLines)
            {
                warnings.Add(new CartWarning(CartWarningCodes.CartFull,
                    $"{incoming.Name} was not added: your cart already holds {limits.MaxLines} different products."));
                continue;
            }

            var added = incoming with { Quantity = Math.Clamp(incoming.Quantity, 1, limits.MaxQuantity) };
            byProduct[added.ProductId] = added;
            upserts.Add(added);
            lineCount++;
        }

        return new CartMergeResult(upserts, warnings);
    }
}
