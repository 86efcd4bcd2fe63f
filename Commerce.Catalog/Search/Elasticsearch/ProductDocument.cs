using System.Text.Json.Serialization;
using Commerce.Catalog.Domain;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// What the index holds of a product: only what search matches, filters, sorts and counts on. The
/// version travels as the write's external version, not in the document (the mapping is strict).
/// </summary>
public sealed record ProductDocument(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonIgnore] int Version,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("brand")] string Brand,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static ProductDocument From(Product product) =>
        new(product.Id, product.Version, product.Name, product.Description, product.Brand, product.Category, product.Price, product.CreatedAt);
}

/// <summary>The one field a suggestion search asks back (<c>_source: name</c>).</summary>
public sealed record ProductName([property: JsonPropertyName("name")] string? Name);
