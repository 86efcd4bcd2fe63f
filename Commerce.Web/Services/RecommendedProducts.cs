using Commerce.Catalog.Contracts;
using Commerce.Web.Domain;

namespace Commerce.Web.Services;

/// <summary>
/// The products a shelf shows: ids from Recommendations, then names, prices and stock from Catalog,
/// in stock only. Never throws for a failing service: a shelf without products is not shown.
/// </summary>
public sealed class RecommendedProducts(RecommendationsClient recommendations, CatalogClient catalog)
{
    /// <summary>Candidates asked for per product shown, so sold-out ones can be skipped.</summary>
    private const int Spare = 2;

    /// <summary>Cart products asked about at most; the cart's first lines speak for it.</summary>
    private const int MaxCartProductsAsked = 3;

    public async Task<IReadOnlyList<ProductResponse>> ForProductAsync(int productId, int take, CancellationToken cancellationToken) =>
        await PricedAsync(await recommendations.ForProductAsync(productId, take * Spare, cancellationToken), take, cancellationToken);

    public async Task<IReadOnlyList<ProductResponse>> ForCartAsync(IReadOnlyCollection<int> cartProductIds, int take, CancellationToken cancellationToken)
    {
        var lists = await Task.WhenAll(cartProductIds.Distinct().Take(MaxCartProductsAsked)
            .Select(id => recommendations.ForProductAsync(id, take * Spare, cancellationToken)));
        return await PricedAsync(RecommendedPicks.Merge(lists, cartProductIds, take * Spare), take, cancellationToken);
    }

    public async Task<IReadOnlyList<ProductResponse>> TrendingAsync(int take, CancellationToken cancellationToken) =>
        await PricedAsync(await recommendations.TrendingAsync(take * Spare, cancellationToken), take, cancellationToken);

    private async Task<IReadOnlyList<ProductResponse>> PricedAsync(IReadOnlyList<int> candidates, int take, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        try
        {
            return RecommendedPicks.Pick(candidates, await catalog.GetProductsAsync(candidates, cancellationToken), take);
        }
        catch (Exception ex) when (ex is ServiceUnavailableException or ServiceRejectedException)
        {
            // Without current prices and stock nothing is shown: a stale price is worse than no shelf.
            return [];
        }
    }
}
