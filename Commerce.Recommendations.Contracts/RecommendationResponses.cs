namespace Commerce.Recommendations.Contracts;

/// <summary>One suggested product: why it is suggested (<c>bought-together</c> or <c>category-best-seller</c>) and how strongly (orders together, or units sold).</summary>
public sealed record RecommendedProduct(int ProductId, string Reason, long Weight);

/// <summary>"Customers also bought" for <see cref="ProductId"/>, best first. Prices and stock come from Catalog, not from here.</summary>
public sealed record ProductRecommendations(int ProductId, IReadOnlyList<RecommendedProduct> Items);

public sealed record TrendingItem(int ProductId, int Units, double Score);

/// <summary>"Trending now": the products paid for most in the last <see cref="WindowMinutes"/>, recent units weighing more.</summary>
public sealed record TrendingProducts(string? Category, int WindowMinutes, IReadOnlyList<TrendingItem> Items);
