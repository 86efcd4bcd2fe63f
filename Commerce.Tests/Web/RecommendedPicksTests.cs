using Commerce.Web.Domain;
using Commerce.Web.Services;

namespace Commerce.Tests.Web;

/// <summary>Which recommended products a storefront shelf shows.</summary>
public sealed class RecommendedPicksTests
{
    private static ProductResponse P(int id, int stock, decimal price = 10m) =>
        new(id, $"SKU-{id}", $"P{id}", "", "Brand", "Category", price, "USD", stock, $"/api/catalog/products/{id}/image", 1, default, default);

    [Fact]
    public void The_shelf_keeps_the_recommended_order_with_catalogs_prices_and_skips_what_is_gone_or_sold_out()
    {
        var picked = RecommendedPicks.Pick([5, 3, 9, 7, 1], [P(1, 4, 2m), P(3, 0), P(5, 10, 99m), P(7, 1)], take: 2);
        Assert.Equal([5, 7], picked.Select(p => p.Id));
        Assert.Equal(99m, picked[0].Price);
        Assert.Equal([5, 7, 1], RecommendedPicks.Pick([5, 3, 9, 7, 1], [P(1, 4), P(3, 0), P(5, 10), P(7, 1)], take: 8).Select(p => p.Id));
        Assert.Empty(RecommendedPicks.Pick([1, 2], [], take: 4));
    }

    [Fact]
    public void Lists_for_several_cart_products_merge_by_rank_without_cart_items_or_repeats()
    {
        var merged = RecommendedPicks.Merge([[10, 11, 12], [20, 10, 21], [1]], exclude: [1, 12], max: 5);
        Assert.Equal([10, 20, 11, 21], merged);
        Assert.Equal([10, 20], RecommendedPicks.Merge([[10, 11, 12], [20, 10, 21]], exclude: [], max: 2));
        Assert.Empty(RecommendedPicks.Merge([], exclude: [], max: 4));
    }
}
