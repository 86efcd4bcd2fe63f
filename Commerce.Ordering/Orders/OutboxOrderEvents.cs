using Commerce.Ordering.Checkout;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;

namespace Commerce.Ordering.Orders;

/// <summary>Writes the order's events into the outbox of the same unit of work.</summary>
public sealed class OutboxOrderEvents(OrderingDbContext db) : IOrderEvents
{
    // TODO(messaging): write OrderSubmitted/OrderCancelled/OrderPaid/OrderShipped/Payment* to the outbox once the messaging branch lands.
    public void Submitted(Order order) => _ = db;

    public void Cancelled(Order order) => _ = db;

    public void Paid(Order order) => _ = db;

    public void Shipped(Order order) => _ = db;

    public void PaymentCompleted(Order order, PaymentAttempt attempt) => _ = db;
}
