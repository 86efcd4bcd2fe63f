using Commerce.Cart.Catalog;
using Commerce.Cart.Contracts;
using Commerce.Cart.Domain;
using Commerce.Cart.Storage;
using Microsoft.Extensions.Options;

namespace Commerce.Cart.Carts;

/// <summary>The result of a cart operation, free of HTTP; the endpoints turn it into a response.</summary>
public abstract record CartOutcome
{
    public sealed record Done(CartView Cart) : CartOutcome;

    /// <summary>The request itself is wrong (<paramref name="Field"/> names what to fix).</summary>
    public sealed record Invalid(string Field, string Message) : CartOutcome;

    public sealed record NotFound(string Title, string Message) : CartOutcome;

    /// <summary>The request is fine but the cart's state forbids it.</summary>
    public sealed record Conflict(string Message) : CartOutcome;

    /// <summary>Catalog could not confirm what the change needs; try again later.</summary>
    public sealed record CatalogUnavailable(string Message) : CartOutcome;
}

/// <summary>
/// A buyer's cart: stored lines in Redis, priced on every read by one batch call to Catalog.
/// The buyer id always comes from the caller's token, never from the request.
/// </summary>
public sealed class CartService(CartStore store, CartCatalogClient catalog, IOptions<CartOptions> options, TimeProvider time, ILogger<CartService> logger)
{
    private readonly CartLimits _limits = options.Value.Limits;

    public Task<CartView> GetAsync(string buyerId, CancellationToken cancellationToken) =>
        ViewAsync(buyerId, null, null, cancellationToken);

    /// <summary>Sets a line's quantity (0 removes it); an added or changed line must be confirmed by Catalog.</summary>
    public async Task<CartOutcome> SetQuantityAsync(string buyerId, int productId, int quantity, CancellationToken cancellationToken)
    {
        if (ProductIdError(productId) is { } idError)
        {
            return new CartOutcome.Invalid("productId", idError);
        }

        if (_limits.QuantityError(quantity) is { } quantityError)
        {
            return new CartOutcome.Invalid("quantity", quantityError);
        }

        if (quantity == 0)
        {
            return await store.RemoveLineAsync(buyerId, productId, cancellationToken)
                ? new CartOutcome.Done(await GetAsync(buyerId, cancellationToken))
                : new CartOutcome.Invalid("quantity",
                    $"Product {productId} is not in your cart, so there is nothing to remove. To add it, send a quantity from 1 to {_limits.MaxQuantity}.");
        }

        // One batch call verifies the product and prices the rest of the cart for the answer.
        var lines = await store.ReadAsync(buyerId, cancellationToken);
        var existing = lines.FirstOrDefault(l => l.ProductId == productId);
        if (existing is null && lines.Count >= _limits.MaxLines)
        {
            // Checked again atomically when writing; this spares Catalog a call that cannot help.
            return new CartOutcome.Conflict(_limits.CartFullMessage(productId));
        }

        var lookup = await catalog.GetProductsAsync([productId, .. lines.Select(l => l.ProductId)], cancellationToken);
        if (!lookup.Reachable)
        {
            return new CartOutcome.CatalogUnavailable(
                $"Product {productId} could not be checked with the catalog just now, so your cart was not changed. Try again in a few seconds.");
        }

        if (!lookup.Products!.TryGetValue(productId, out var product))
        {
            return new CartOutcome.NotFound("Unknown product", $"There is no product {productId} in the catalog. Check the product id.");
        }

        // The shopper sees the current price when they set a quantity, so that becomes the price seen.
        var line = new CartLine(productId, quantity, product.Price, product.Price, product.Currency, product.Name,
            existing?.AddedAt ?? time.GetUtcNow());
        var outcome = await store.SetLineAsync(buyerId, line, _limits.MaxLines, cancellationToken);
        if (outcome == SetLineOutcome.CartFull)
        {
            return new CartOutcome.Conflict(_limits.CartFullMessage(productId));
        }

        logger.LogInformation("Buyer {BuyerId} set product {ProductId} to quantity {Quantity} ({Outcome})", buyerId, productId, quantity, outcome);
        return new CartOutcome.Done(await ViewAsync(buyerId, new KnownProducts(lookup.Products, new HashSet<int>([productId, .. lines.Select(l => l.ProductId)])), null, cancellationToken));
    }

    public async Task<CartOutcome> RemoveAsync(string buyerId, int productId, CancellationToken cancellationToken)
    {
        if (ProductIdError(productId) is { } idError)
        {
            return new CartOutcome.Invalid("productId", idError);
        }

        if (!await store.RemoveLineAsync(buyerId, productId, cancellationToken))
        {
            return new CartOutcome.NotFound("Not in your cart", $"Product {productId} is not in your cart.");
        }

        logger.LogInformation("Buyer {BuyerId} removed product {ProductId}", buyerId, productId);
        return new CartOutcome.Done(await GetAsync(buyerId, cancellationToken));
    }

    public async Task ClearAsync(string buyerId, CancellationToken cancellationToken)
    {
        await store.ClearAsync(buyerId, cancellationToken);
        logger.LogInformation("Buyer {BuyerId} cleared their cart", buyerId);
    }

    /// <summary>
    /// Empties what an order bought from its buyer's cart, once per order: the OrderSubmitted
    /// consumer calls this, and a redelivered event changes nothing. Returns false for a repeat.
    /// </summary>
    public async Task<bool> ClearForOrderAsync(string buyerId, string orderId, IReadOnlyCollection<int>? productIds, CancellationToken cancellationToken)
    {
        var cleared = await store.ClearForOrderAsync(buyerId, orderId, productIds ?? [], cancellationToken);
        logger.LogInformation("Cart of buyer {BuyerId} for order {OrderId}: {Result}", buyerId, orderId, cleared ? "emptied" : "already emptied");
        return cleared;
    }

    /// <summary>
    /// Merges the anonymous cart a shopper filled before signing in into their own, and removes it.
    /// <paramref name="anonymousBuyerId"/> must be one the caller has proven to own (the endpoint
    /// checks the storefront's token for it).
    /// </summary>
    public async Task<CartOutcome> MergeAsync(string buyerId, string anonymousBuyerId, CancellationToken cancellationToken)
    {
        if (string.Equals(anonymousBuyerId, buyerId, StringComparison.Ordinal))
        {
            return new CartOutcome.Invalid("anonymousBuyerToken", "The anonymous buyer is you; a cart cannot be merged into itself.");
        }

        CartMergeResult merge;
        try
        {
            merge = await store.MergeAsync(anonymousBuyerId, buyerId, _limits, cancellationToken);
        }
        catch (CartBusyException ex)
        {
            return new CartOutcome.Conflict(ex.Message);
        }

        logger.LogInformation("Merged an anonymous cart into buyer {BuyerId}'s: {Changed} lines added or changed, {Warnings} warnings",
            buyerId, merge.Upserts.Count, merge.Warnings.Count);
        return new CartOutcome.Done(await ViewAsync(buyerId, null, merge.Warnings, cancellationToken));
    }

    /// <summary>Catalog's answer for <paramref name="Asked"/>: products missing from it do not exist.</summary>
    private sealed record KnownProducts(IReadOnlyDictionary<int, ProductSnapshot> Products, IReadOnlySet<int> Asked);

    /// <summary>
    /// Reads the cart and prices it. Reuses Catalog's answer when the caller already has one, asking
    /// Catalog only about lines added meanwhile by another request.
    /// </summary>
    private async Task<CartView> ViewAsync(string buyerId, KnownProducts? known,
        IReadOnlyList<CartWarning>? warnings, CancellationToken cancellationToken)
    {
        var lines = await store.ReadAsync(buyerId, cancellationToken);
        if (lines.Count == 0)
        {
            return CartPricing.Price(lines, new Dictionary<int, ProductSnapshot>(), warnings);
        }

        var products = known?.Products;
        var missing = lines.Select(l => l.ProductId).Where(id => known is null || !known.Asked.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            var lookup = await catalog.GetProductsAsync(missing, cancellationToken);
            products = lookup.Products is null
                ? null
                : known is null ? lookup.Products : known.Products.Concat(lookup.Products).ToDictionary();
        }

        if (products is not null)
        {
            var changed = lines
                .Where(l => products.TryGetValue(l.ProductId, out var p) && p.Price != l.LastKnownPrice)
                .Select(l => (l.ProductId, products[l.ProductId].Price))
                .ToList();
            await store.RememberPricesAsync(buyerId, changed, cancellationToken);
        }

        return CartPricing.Price(lines, products, warnings);
    }

    private static string? ProductIdError(int productId) =>
        productId > 0 ? null : $"Product id {productId} is not valid; product ids are positive whole numbers.";
}
