using System.Text.Json;
using System.Text.Json.Serialization;

namespace Commerce.Web.Services;

public sealed record ShippingAddress(string Name, string Street, string City, string PostalCode, string Country);

public sealed record PaymentDetails(string CardNumber, string Expiry, string Cvc, string CardholderName);

public sealed record OrderRequest(ShippingAddress ShippingAddress, PaymentDetails Payment);

public sealed record OrderLine
{
    public int ProductId { get; init; }
    public string Name { get; init; } = "";
    public decimal UnitPrice { get; init; }
    public int Quantity { get; init; }
}

/// <summary>An order as Ordering serves it (ARCHITECTURE.md).</summary>
public sealed record OrderDto
{
    [JsonConverter(typeof(IdAsStringConverter))]
    public string Id { get; init; } = "";
    public string Status { get; init; } = "";
    public string? StatusReason { get; init; }
    public IReadOnlyList<OrderLine> Lines { get; init; } = [];
    public decimal Total { get; init; }
    public string? Currency { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    [JsonConverter(typeof(IdAsStringConverter))]
    public string? BuyerId { get; init; }
    public ShippingAddress? ShippingAddress { get; init; }

    /// <summary>Only the brand and last four digits: Ordering never keeps a card number.</summary>
    public CardSummary? Card { get; init; }
}

public sealed record CardSummary(string Brand, string Last4);

/// <summary>Ids as text whatever their JSON type, so the storefront does not care if Ordering uses numbers or GUIDs.</summary>
public sealed class IdAsStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var l) ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture),
        JsonTokenType.Null => null,
        _ => throw new JsonException("An id must be a string or a number."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
