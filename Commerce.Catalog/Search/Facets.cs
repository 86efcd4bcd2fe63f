using Commerce.Catalog.Products;

namespace Commerce.Catalog.Search;

/// <summary>Facet arithmetic over counts per (brand, category) pair, independent of the engine.</summary>
public static class Facets
{
    public static ProductSearchResult Count(IReadOnlyCollection<(string Brand, string Category, long Count)> pairs, string? brand, string? category, IReadOnlyList<int> pageIds)
    {
        bool BrandMatches((string Brand, string Category, long Count) p) => brand is null || p.Brand == brand;
        bool CategoryMatches((string Brand, string Category, long Count) p) => category is null || p.Category == category;

        var total = pairs.Where(p => BrandMatches(p) && CategoryMatches(p)).Sum(p => p.Count);
        var brands = pairs.Where(CategoryMatches).GroupBy(p => p.Brand).Select(g => new FacetCount(g.Key, g.Sum(p => p.Count)));
        var categories = pairs.Where(BrandMatches).GroupBy(p => p.Category).Select(g => new FacetCount(g.Key, g.Sum(p => p.Count)));
        return new ProductSearchResult(pageIds, total, Ordered(brands), Ordered(categories));
    }

    /// <summary>Facets in the order every engine shows them: most products first, then by name.</summary>
    public static List<FacetCount> Ordered(IEnumerable<FacetCount> facets) =>
        facets.OrderByDescending(f => f.Count).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();

    /// <summary>Suggestions in the order every engine offers them: shorter (more general) names first.</summary>
    public static List<string> OrderedSuggestions(IEnumerable<string> names, int limit) =>
        names.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).Take(limit).ToList();
}
