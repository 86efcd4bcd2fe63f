using Commerce.Catalog.Contracts;
using Commerce.Web.Services;

namespace Commerce.Web.Domain;

/// <summary>Which recommended products a shelf shows.</summary>
public static class RecommendedPicks
{
    /// <summary>
    /// Several ranked lists (one per cart product) merged by rank, first of each list first, without
    /// <paramref name="exclude"/> (what is already in the cart) or repeats, at most <paramref name="max"/>.
    /// </summary>
    public static IReadOnlyList<int> Merge(IEnumerable<IReadOnlyList<int>> ranked, IEnumerable<int> exclude, int max)
    {
        var lists = ranked.ToList();
        var seen = new HashSet<int>(exclude);
        var merged = new List<int>();
        for (var rank = 0; merged.Count < max && lists.Any(l => l.Count > rank); rank++)
        {
            foreach (var list in lists)
            {
                if (rank < list.Count && merged.Count < max && seen.Add(list[rank]))
                {
                    merged.Add(list[rank]);
                }
            }
        }

        return merged;
    }

    /// <summary>
    /// The candidates Catalog still sells, in the recommended order, as Catalog describes them now:
    /// its price and stock, never the recommender's. A product Catalog did not return (gone) or
    /// that is out of stock is skipped.
    /// </summary>
    /// <param name="catalog">Catalog's current answer for the candidates.</param>
    public static IReadOnlyList<ProductResponse> Pick(IReadOnlyList<int> candidates, IEnumerable<ProductResponse> catalog, int take)
    {
        var current = catalog.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First());
        return candidates.Distinct()
            .Select(id => current.GetValueOrDefault(id))
            .OfType<ProductResponse>()
            .Where(p => StockState.Of(p.AvailableStock).CanBuy)
            .Take(take)
            .ToList();
    }
}
