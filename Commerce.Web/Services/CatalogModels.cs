using System.Text.Json;
using System.Text.Json.Serialization;

namespace Commerce.Web.Services;

/// <summary>A product as Catalog serves it (ARCHITECTURE.md).</summary>
public sealed record ProductDto
{
    public int Id { get; init; }
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Brand { get; init; } = "";
    public string Category { get; init; } = "";
    public decimal Price { get; init; }
    public string Currency { get; init; } = "USD";
    public int AvailableStock { get; init; }
    public string? ImageUrl { get; init; }

    /// <summary>Catalog's optimistic-concurrency version: an update must send the version it read.</summary>
    public int Version { get; init; }
}

public sealed record FacetCount(string Name, long Count);

public sealed record CatalogFacets
{
    public IReadOnlyList<FacetCount> Brands { get; init; } = [];
    public IReadOnlyList<FacetCount> Categories { get; init; } = [];
}

public sealed record ProductPage
{
    public IReadOnlyList<ProductDto> Items { get; init; } = [];
    public long Total { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; }
    public CatalogFacets Facets { get; init; } = new();
}

/// <summary>One search suggestion: a product when Catalog names one, else a query to run.</summary>
public sealed record Suggestion(string Text, int? ProductId);

/// <summary>The body of Catalog's admin create and update.</summary>
public sealed record ProductInput
{
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Brand { get; init; } = "";
    public string Category { get; init; } = "";
    public decimal Price { get; init; }
    public string Currency { get; init; } = "USD";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? AvailableStock { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Version { get; init; }
}

/// <summary>Reads a list of names whether Catalog sends strings or objects with a <c>name</c>.</summary>
internal static class NameList
{
    public static IReadOnlyList<string> Read(JsonElement root)
    {
        var items = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var inner) ? inner
            : default;
        if (items.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return items.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()
                : e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var n) ? n.GetString() : null)
            .OfType<string>()
            .ToList();
    }
}
