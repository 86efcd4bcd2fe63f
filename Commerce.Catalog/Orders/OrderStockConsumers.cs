using Commerce.Catalog.Data;
using Commerce.Catalog.Domain;
using Commerce.Catalog.Stock;
using Commerce.Contracts;
using Commerce.Messaging.Outbox;
using MassTransit;

namespace Commerce.Catalog.Orders;

/// <summary>
/// An order was submitted: reserve every line or none, and answer through the outbox. The
/// reservation is idempotent per order, and the answer's event id is derived from the order, so a
/// redelivery (even after a crash between the two steps) answers the same, once.
/// </summary>
public sealed class OrderSubmittedConsumer(StockReservations reservations, CatalogDbContext db) : IConsumer<OrderSubmitted>
{
    public async Task Consume(ConsumeContext<OrderSubmitted> context)
    {
        var order = context.Message;
        var ct = context.CancellationToken;
        var outcome = await reservations.ReserveAsync(order.OrderId, order.Lines.Select(l => new StockLine(l.ProductId, l.Quantity)), ct);
        IntegrationEvent? reply = outcome.Status switch
        {
            ReservationStatus.Reserved or ReservationStatus.Committed => new StockReserved(order.OrderId) { EventId = EventIds.For(order.OrderId, "stock-reserved") },
            ReservationStatus.Rejected => new StockRejected(order.OrderId, await ShortLinesAsync(outcome, ct)) { EventId = EventIds.For(order.OrderId, "stock-rejected") },
            // Released before it was reserved (the order was cancelled first): nothing to answer.
            _ => null,
        };
        if (reply is null)
        {
            return;
        }

        await db.AddOutboxMessageOnceAsync($"order:{order.OrderId}", reply, ct);
        await db.SaveChangesAsync(ct);
    }

    private async Task<IReadOnlyList<ShortLine>> ShortLinesAsync(ReservationOutcome outcome, CancellationToken cancellationToken)
    {
        // A repeat reads the stored outcome, which carries the shortages recorded the first time.
        var shortages = outcome.Shortages.Count > 0 ? outcome.Shortages : (await reservations.GetAsync(outcome.OrderId, cancellationToken)).Shortages;
        return shortages.Select(s => new ShortLine(s.ProductId, s.Requested, s.Available)).ToList();
    }
}

/// <summary>The order was paid: its reserved units leave the shelf for good (idempotent per order).</summary>
public sealed class OrderPaidConsumer(StockReservations reservations) : IConsumer<OrderPaid>
{
    public Task Consume(ConsumeContext<OrderPaid> context) =>
        reservations.CommitAsync(context.Message.OrderId, context.CancellationToken);
}

/// <summary>The order was cancelled: its units go back on sale (idempotent, and safe before the reservation).</summary>
public sealed class OrderCancelledConsumer(StockReservations reservations) : IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        reservations.ReleaseAsync(context.Message.OrderId, context.CancellationToken);
}
