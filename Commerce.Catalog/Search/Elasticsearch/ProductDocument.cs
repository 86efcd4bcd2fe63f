using System.Text.Json.Nodes;
using Commerce.Catalog.Domain;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>What the index holds of a product: only what search matches, filters, sorts and counts on.</summary>
public sealed record ProductDocument(int Id, int Version, string Name, string Description, string Brand, string Category, decimal Price, DateTimeOffset CreatedAt)
{
    public static ProductDocument From(Product product) =>
        new(product.Id, product.Version, product.Name, product.Description, product.Brand, product.Category, product.Price, product.CreatedAt);

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["name"] = Name,
        ["description"] = Description,
        ["brand"] = Brand,
        ["category"] = Category,
        ["price"] = Price,
        ["created_at"] = CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
    };
}
