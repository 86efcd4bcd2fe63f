using Commerce.Ordering.Domain;

namespace Commerce.Ordering.Orders;

public sealed record OrderLineResponse(int ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record CardResponse(string Brand, string Last4);

public sealed record OrderResponse(
    Guid Id,
    string Status,
    string? StatusReason,
    IReadOnlyList<OrderLineResponse> Lines,
    decimal Total,
    string Currency,
    ShippingAddress ShippingAddress,
    CardResponse Card,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrderResponse From(Order order) => new(
        order.Id,
        order.Status.ToString(),
        order.StatusReason,
        order.Lines.Select(l => new OrderLineResponse(l.ProductId, l.Name, l.UnitPrice, l.Quantity, l.LineTotal)).ToList(),
        order.Total,
        order.Currency,
        order.ShippingAddress,
        new CardResponse(order.CardBrand, order.CardLast4),
        order.CreatedAt,
        order.UpdatedAt);
}

public sealed record OrderPage(IReadOnlyList<OrderResponse> Items, int Total, int Page, int PageSize);
