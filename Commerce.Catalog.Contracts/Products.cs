namespace Commerce.Catalog.Contracts;

/// <summary>
/// A product as Catalog serves it (ARCHITECTURE.md's product shape, plus version and times).
/// <see cref="ImageUrl"/> is relative, so that the storefront can serve it under its own origin;
/// <see cref="Version"/> is the optimistic-concurrency version an update must send back.
/// </summary>
public sealed record ProductResponse(
    int Id,
    string Sku,
    string Name,
    string Description,
    string Brand,
    string Category,
    decimal Price,
    string Currency,
    int AvailableStock,
    string ImageUrl,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>How many products of the search carry one brand or category name.</summary>
public sealed record FacetCount(string Name, long Count);

public sealed record ProductFacets(IReadOnlyList<FacetCount> Brands, IReadOnlyList<FacetCount> Categories)
{
    public static ProductFacets None { get; } = new([], []);
}

/// <summary>A page of products: the search's <see cref="Total"/> and its facets, or the products an <c>ids=</c> read named.</summary>
public sealed record ProductPage(IReadOnlyList<ProductResponse> Items, long Total, int Page, int PageSize, ProductFacets Facets)
{
    public static ProductPage Empty { get; } = new([], 0, 1, 0, ProductFacets.None);
}

/// <summary>A brand or a category.</summary>
public sealed record NamedItem(int Id, string Name);

/// <summary>Product names completing <see cref="Q"/>, shorter (more general) names first.</summary>
public sealed record SuggestResponse(string Q, IReadOnlyList<string> Suggestions);
