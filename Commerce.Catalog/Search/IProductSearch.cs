using Commerce.Catalog.Products;

namespace Commerce.Catalog.Search;

/// <summary>
/// Product search, whatever engine answers it: PostgreSQL full-text search today, Elasticsearch
/// later. It returns product ids in order; the products themselves come through the cache.
/// </summary>
public interface IProductSearch
{
    Task<ProductSearchResult> SearchAsync(ProductSearchQuery query, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> product names completing what the shopper has typed so far.</summary>
    Task<IReadOnlyList<string>> SuggestAsync(string text, int limit, CancellationToken cancellationToken);
}

public enum ProductSort
{
    Relevance,
    PriceAscending,
    PriceDescending,
    Name,
    Newest,
}

/// <summary>Free text (may be empty), filters, sort and a 1-based page.</summary>
public sealed record ProductSearchQuery(
    string? Text,
    string? Brand,
    string? Category,
    decimal? MinPrice,
    decimal? MaxPrice,
    ProductSort Sort,
    int Page,
    int PageSize);

/// <summary>
/// The page's product ids in order, how many match in all, and counts by brand and by category.
/// Each facet counts with every filter but its own, so a shopper sees what choosing another brand
/// would give.
/// </summary>
public sealed record ProductSearchResult(IReadOnlyList<int> ProductIds, long Total, IReadOnlyList<FacetCount> Brands, IReadOnlyList<FacetCount> Categories);
