using System.Text.Json;
using System.Text.Json.Serialization;
using Commerce.Catalog.Domain;

namespace Commerce.Catalog.Products;

/// <summary>A product as clients see it (ARCHITECTURE.md's product shape, plus version and times).</summary>
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
    DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(Product p) => new(
        p.Id, p.Sku, p.Name, p.Description, p.Brand, p.Category, p.Price, p.Currency, p.AvailableStock,
        ImagePath(p.Id), p.Version, p.CreatedAt, p.UpdatedAt);

    /// <summary>Relative, so that the storefront can serve it under its own origin.</summary>
    public static string ImagePath(int id) => $"/api/catalog/products/{id}/image";
}

public sealed record FacetCount(string Name, long Count);

public sealed record ProductFacets(IReadOnlyList<FacetCount> Brands, IReadOnlyList<FacetCount> Categories)
{
    public static ProductFacets None { get; } = new([], []);
}

public sealed record ProductPage(IReadOnlyList<ProductResponse> Items, long Total, int Page, int PageSize, ProductFacets Facets);

public sealed record NamedItem(int Id, string Name);

public sealed record SuggestResponse(string Q, IReadOnlyList<string> Suggestions);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProductResponse))]
internal sealed partial class CatalogJson : JsonSerializerContext;
