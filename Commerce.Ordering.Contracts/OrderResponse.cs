namespace Commerce.Ordering.Contracts;

/// <summary>An order as Ordering serves it (ARCHITECTURE.md's order shape, plus currency, address, card and times).</summary>
public sealed record OrderResponse(
    Guid Id,
    string Status,
    string? StatusReason,
    IReadOnlyList<OrderLineResponse> Lines,
    decimal Total,
    string Currency,
    AddressResponse ShippingAddress,
    CardResponse Card,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One line of an order as the API serves it; the price is the one Catalog gave at checkout.</summary>
public sealed record OrderLineResponse(int ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record AddressResponse(string Name, string Street, string City, string PostalCode, string Country);

/// <summary>Only the brand and last four digits: Ordering never keeps a card number.</summary>
public sealed record CardResponse(string Brand, string Last4);

/// <summary>A page of orders, newest first.</summary>
public sealed record OrderPage(IReadOnlyList<OrderResponse> Items, int Total, int Page, int PageSize);
