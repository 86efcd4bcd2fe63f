namespace Commerce.Recommendations.Domain;

/// <summary>How often a product was in the same paid order as the one asked about.</summary>
public readonly record struct BoughtWith(int ProductId, int Orders, long UnitsSold);

/// <summary>A product's all-time units sold, for the category fallback.</summary>
public readonly record struct BestSeller(int ProductId, long UnitsSold);

public static class RecommendationReasons
{
    public const string BoughtTogether = "bought-together";
    public const string CategoryBestSeller = "category-best-seller";
}

public sealed record Recommendation(int ProductId, string Reason, long Weight);

/// <summary>
/// "Customers also bought": the products most often in the same paid order, then (a product with few
/// or no orders yet, a cold catalogue) the best sellers of its category, never the product itself
/// and never one product twice.
/// </summary>
public static class RecommendationRanking
{
    public static IReadOnlyList<Recommendation> Rank(int productId, IEnumerable<BoughtWith> boughtWith, IEnumerable<BestSeller> categoryBestSellers, int take)
    {
        var chosen = new List<Recommendation>(Math.Max(0, take));
        var seen = new HashSet<int> { productId };
        // Equal pair counts: the product that sells more overall is the safer suggestion.
        foreach (var p in boughtWith.Where(p => p.Orders > 0)
                     .OrderByDescending(p => p.Orders).ThenByDescending(p => p.UnitsSold).ThenBy(p => p.ProductId))
        {
            if (chosen.Count >= take)
            {
                return chosen;
            }

            if (seen.Add(p.ProductId))
            {
                chosen.Add(new Recommendation(p.ProductId, RecommendationReasons.BoughtTogether, p.Orders));
            }
        }

        foreach (var b in categoryBestSellers.Where(b => b.UnitsSold > 0)
                     .OrderByDescending(b => b.UnitsSold).ThenBy(b => b.ProductId))
        {
            if (chosen.Count >= take)
            {
                break;
            }

            if (seen.Add(b.ProductId))
            {
                chosen.Add(new Recommendation(b.ProductId, RecommendationReasons.CategoryBestSeller, b.UnitsSold));
            }
        }

        return chosen;
    }
}
