using Commerce.Recommendations.Catalog;
using Commerce.Recommendations.Contracts;
using Commerce.Recommendations.Data;
using Commerce.Recommendations.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commerce.Recommendations.Api;

/// <summary>Reads the counts and ranks them with the domain rules.</summary>
public sealed class RecommendationReader(RecommendationsDbContext db, CatalogProducts catalog, IOptions<RecommendationsOptions> options, TimeProvider clock)
{
    public enum Outcome
    {
        Found,
        ProductNotFound,
        CatalogUnreachable,
    }

    public async Task<(Outcome Outcome, ProductRecommendations? Recommendations)> ForProductAsync(int productId, int take, CancellationToken cancellationToken)
    {
        var stats = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.ProductId == productId, cancellationToken);
        if (stats is { Listed: false })
        {
            return (Outcome.ProductNotFound, null);
        }

        var category = stats?.Category;
        if (category is null)
        {
            // Never sold here yet (or its category not read yet): Catalog says whether it exists and where it belongs.
            var (answer, product) = await catalog.GetAsync(productId, cancellationToken);
            switch (answer)
            {
                case CatalogAnswer.NotFound:
                    return (Outcome.ProductNotFound, null);
                case CatalogAnswer.Found:
                    category = product!.Category;
                    break;
                case CatalogAnswer.Unreachable when stats is null:
                    return (Outcome.CatalogUnreachable, null);
            }
        }

        var boughtWith = await (
                from pair in db.Pairs.AsNoTracking()
                join other in db.Products.AsNoTracking() on pair.OtherId equals other.ProductId
                where pair.ProductId == productId && pair.Orders > 0 && other.Listed
                orderby pair.Orders descending, other.UnitsSold descending, pair.OtherId
                select new BoughtWith(pair.OtherId, pair.Orders, other.UnitsSold))
            .Take(take).ToListAsync(cancellationToken);

        var bestSellers = new List<BestSeller>();
        if (boughtWith.Count < take && category is not null)
        {
            // One more than needed: the product itself may be among its category's best sellers.
            bestSellers = await db.Products.AsNoTracking()
                .Where(p => p.Category == category && p.Listed && p.UnitsSold > 0)
                .OrderByDescending(p => p.UnitsSold).ThenBy(p => p.ProductId)
                .Select(p => new BestSeller(p.ProductId, p.UnitsSold))
                .Take(take + boughtWith.Count + 1).ToListAsync(cancellationToken);
        }

        var ranked = RecommendationRanking.Rank(productId, boughtWith, bestSellers, take);
        return (Outcome.Found, new ProductRecommendations(productId, ranked.Select(r => new RecommendedProduct(r.ProductId, r.Reason, r.Weight)).ToList()));
    }

    public async Task<TrendingProducts> TrendingAsync(string? category, int take, CancellationToken cancellationToken)
    {
        var window = options.Value.TrendingWindow;
        var now = clock.GetUtcNow();
        var since = now - window;
        var rows = category is null
            ? db.Database.SqlQuery<SalesRow>($"""
                SELECT l.product_id AS "ProductId", date_trunc('minute', o.paid_at) AS "Minute", sum(l.quantity)::int AS "Units"
                FROM orders o
                JOIN order_lines l ON l.order_id = o.order_id
                LEFT JOIN product_stats s ON s.product_id = l.product_id
                WHERE o.counted AND o.paid_at > {since} AND coalesce(s.listed, true)
                GROUP BY 1, 2
                """)
            : db.Database.SqlQuery<SalesRow>($"""
                SELECT l.product_id AS "ProductId", date_trunc('minute', o.paid_at) AS "Minute", sum(l.quantity)::int AS "Units"
                FROM orders o
                JOIN order_lines l ON l.order_id = o.order_id
                JOIN product_stats s ON s.product_id = l.product_id
                WHERE o.counted AND o.paid_at > {since} AND s.listed AND s.category = {category}
                GROUP BY 1, 2
                """);
        var buckets = (await rows.ToListAsync(cancellationToken)).Select(r => new SalesBucket(r.ProductId, r.Minute, r.Units));
        var ranked = TrendingScore.Rank(buckets, now, window, take);
        return new TrendingProducts(category, (int)window.TotalMinutes, ranked.Select(t => new TrendingItem(t.ProductId, t.Units, t.Score)).ToList());
    }

    private sealed class SalesRow
    {
        public int ProductId { get; init; }

        public DateTimeOffset Minute { get; init; }

        public int Units { get; init; }
    }
}
