using Commerce.Ordering.Contracts;
using Commerce.Ordering.Domain;

namespace Commerce.Ordering.Orders;

/// <summary>An order as the API serves it (<see cref="OrderResponse"/>, in Commerce.Ordering.Contracts).</summary>
public static class OrderResponses
{
    public static OrderResponse From(Order order) => new(
        order.Id,
        order.Status.ToString(),
        order.StatusReason,
        order.Lines.Select(l => new OrderLineResponse(l.ProductId, l.Name, l.UnitPrice, l.Quantity, l.LineTotal)).ToList(),
        order.Total,
        order.Currency,
        new AddressResponse(order.ShippingAddress.Name, order.ShippingAddress.Street, order.ShippingAddress.City,
            order.ShippingAddress.PostalCode, order.ShippingAddress.Country),
        new CardResponse(order.CardBrand, order.CardLast4),
        order.CreatedAt,
        order.UpdatedAt);
}
