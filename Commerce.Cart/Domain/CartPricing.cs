using System.Globalization;
using Commerce.Cart.Contracts;

namespace Commerce.Cart.Domain;

/// <summary>Prices a cart from what Catalog says now, and warns about what changed since the shopper looked.</summary>
public static class CartPricing
{
    /// <param name="lines">The stored lines.</param>
    /// <param name="catalog">
    /// Catalog's answer for the lines' products, or null when Catalog could not be asked: the cart then
    /// shows the last prices it heard and says they are not verified. A product missing from a
    /// non-null answer no longer exists.
    /// </param>
    /// <param name="extraWarnings">Cart-level warnings from the operation that produced this view.</param>
    public static CartView Price(IReadOnlyCollection<CartLine> lines, IReadOnlyDictionary<int, ProductSnapshot>? catalog,
        IReadOnlyList<CartWarning>? extraWarnings = null)
    {
        var views = lines
            .OrderBy(l => l.AddedAt)
            .ThenBy(l => l.ProductId)
            .Select(l => catalog is null ? Unverified(l) : Verified(l, catalog.GetValueOrDefault(l.ProductId)))
            .ToList();

        var warnings = new List<CartWarning>(extraWarnings ?? []);
        if (catalog is null && views.Count > 0)
        {
            warnings.Add(new CartWarning(CartWarningCodes.CatalogUnavailable,
                "Prices and availability could not be checked just now. The prices shown are the last ones seen and may have changed."));
        }

        var totals = views
            .Where(v => v.Available)
            .GroupBy(v => v.Currency, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CurrencyTotal(g.Key, g.Sum(v => v.LineTotal)))
            .OrderBy(t => t.Currency, StringComparer.Ordinal)
            .ToList();
        if (totals.Count > 1)
        {
            warnings.Add(new CartWarning(CartWarningCodes.MixedCurrencies,
                "Your cart holds products priced in different currencies, so it has one total per currency."));
        }

        var single = totals.Count switch
        {
            0 => new CurrencyTotal(views.FirstOrDefault()?.Currency ?? string.Empty, 0m),
            1 => totals[0],
            _ => null,
        };

        return new CartView(
            views,
            views.Count,
            views.Where(v => v.Available).Sum(v => v.Quantity),
            single?.Amount,
            single is null || single.Currency.Length == 0 ? null : single.Currency,
            totals,
            catalog is not null,
            warnings);
    }

    private static CartLineView Unverified(CartLine line) => new(
        line.ProductId,
        line.Name,
        null,
        null,
        line.Quantity,
        line.LastKnownPrice,
        line.PriceSeen,
        line.LastKnownPrice != line.PriceSeen,
        line.Currency,
        line.LastKnownPrice * line.Quantity,
        null,
        true,
        [new CartWarning(CartWarningCodes.PriceNotVerified,
            $"The price of {line.Name} could not be checked just now; {Money(line.LastKnownPrice, line.Currency)} is the last price seen.")]);

    private static CartLineView Verified(CartLine line, ProductSnapshot? product)
    {
        if (product is null)
        {
            return new CartLineView(line.ProductId, line.Name, null, null, line.Quantity, line.LastKnownPrice, line.PriceSeen,
                false, line.Currency, 0m, 0, false,
                [new CartWarning(CartWarningCodes.ProductUnavailable,
                    $"{line.Name} is no longer sold. Remove it from your cart; it is not counted in the total.")]);
        }

        var warnings = new List<CartWarning>();
        var priceChanged = product.Price != line.PriceSeen
            || !string.Equals(product.Currency, line.Currency, StringComparison.OrdinalIgnoreCase);
        if (priceChanged)
        {
            var direction = product.Price > line.PriceSeen ? "went up" : "went down";
            warnings.Add(new CartWarning(CartWarningCodes.PriceChanged,
                $"The price of {product.Name} {direction} from {Money(line.PriceSeen, line.Currency)} to {Money(product.Price, product.Currency)} since you added it."));
        }

        if (product.AvailableStock <= 0)
        {
            warnings.Add(new CartWarning(CartWarningCodes.OutOfStock,
                $"{product.Name} is out of stock right now."));
        }
        else if (product.AvailableStock < line.Quantity)
        {
            warnings.Add(new CartWarning(CartWarningCodes.StockShort,
                $"Only {product.AvailableStock} of {product.Name} are in stock; your cart holds {line.Quantity}."));
        }

        return new CartLineView(
            line.ProductId,
            product.Name,
            product.Sku,
            product.ImageUrl,
            line.Quantity,
            product.Price,
            line.PriceSeen,
            priceChanged,
            product.Currency,
            product.Price * line.Quantity,
            product.AvailableStock,
            true,
            warnings);
    }

    private static string Money(decimal amount, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} {currency}");
}
