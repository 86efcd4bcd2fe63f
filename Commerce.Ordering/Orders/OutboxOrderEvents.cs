using Commerce.Contracts;
using Commerce.Ordering.Checkout;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Messaging.Outbox;

namespace Commerce.Ordering.Orders;

/// <summary>
/// Writes the order's integration events into the outbox of the same unit of work, keyed by the
/// order, so they commit or roll back with the change and leave in order.
/// </summary>
public sealed class OutboxOrderEvents(OrderingDbContext db) : IOrderEvents
{
    public void Submitted(Order order) => Add(order, new OrderSubmitted(order.Id, order.BuyerId,
        order.Lines.Select(l => new Commerce.Contracts.OrderSubmittedLine(l.ProductId, l.Quantity, l.UnitPrice)).ToList(), order.Currency));

    public void Cancelled(Order order) => Add(order, new OrderCancelled(order.Id, order.StatusReason ?? "Cancelled."));

    public void Paid(Order order) => Add(order, new OrderPaid(order.Id));

    public void Shipped(Order order) => Add(order, new OrderShipped(order.Id));

    private void Add(Order order, IntegrationEvent @event) => db.AddOutboxMessage($"order:{order.Id}", @event);
}
