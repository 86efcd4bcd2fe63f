using System.Text.Json;
using System.Text.Json.Serialization;
using Commerce.Catalog.Domain;

namespace Commerce.Catalog.Products;

/// <summary>A product as the API serves it (<see cref="ProductResponse"/>, in Commerce.Catalog.Contracts).</summary>
public static class ProductResponses
{
    public static ProductResponse From(Product p) => new(
        p.Id, p.Sku, p.Name, p.Description, p.Brand, p.Category, p.Price, p.Currency, p.AvailableStock,
        ImagePath(p.Id), p.Version, p.CreatedAt, p.UpdatedAt);

    /// <summary>Relative, so that the storefront can serve it under its own origin.</summary>
    public static string ImagePath(int id) => $"/api/catalog/products/{id}/image";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProductResponse))]
[JsonSerializable(typeof(Search.ProductSearchResult))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class CatalogJson : JsonSerializerContext;
