using System.Text.Json.Serialization;

namespace Commerce.Catalog.Contracts;

/// <summary>The fields an admin sets on a product; a missing <see cref="Currency"/> is Catalog's default.</summary>
public abstract record ProductFieldsRequest
{
    public string? Sku { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Brand { get; init; }
    public string? Category { get; init; }
    public decimal Price { get; init; }
    public string? Currency { get; init; }
}

/// <summary>The body of the admin create; a missing <see cref="AvailableStock"/> is none.</summary>
public sealed record CreateProductRequest : ProductFieldsRequest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? AvailableStock { get; init; }
}

/// <summary>The body of the admin update. <see cref="Version"/> is the version the admin read: a stale one gets 409 instead of overwriting a newer change.</summary>
public sealed record UpdateProductRequest : ProductFieldsRequest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Version { get; init; }
}

/// <summary>Adds <see cref="Delta"/> units to the available stock (negative removes), e.g. <c>{ "delta": 5 }</c>.</summary>
public sealed record StockAdjustmentRequest(int? Delta);
