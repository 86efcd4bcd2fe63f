using Commerce.Contracts;
using Commerce.Ordering.Data;
using Commerce.Messaging.Idempotency;
using MassTransit;

namespace Commerce.Ordering.Orders;

/// <summary>
/// Catalog reserved the stock: take the payment. A plain consumer on purpose: the payment is an
/// outside call that must not sit inside a transaction, and every step of
/// <see cref="OrderLifecycle.ReserveAndPayAsync"/> is idempotent on its own (the state machine, the
/// one payment row per order, the provider's idempotency key).
/// </summary>
public sealed class StockReservedConsumer(OrderLifecycle lifecycle) : IConsumer<StockReserved>
{
    public Task Consume(ConsumeContext<StockReserved> context) =>
        lifecycle.ReserveAndPayAsync(context.Message.OrderId, context.CancellationToken);
}

/// <summary>Catalog could not reserve every line: the order is cancelled, naming the short lines.</summary>
public sealed class StockRejectedConsumer(OrderingDbContext db, OrderLifecycle lifecycle, ILogger<StockRejectedConsumer> logger)
    : IdempotentConsumer<StockRejected, OrderingDbContext>(db, logger)
{
    protected override async Task HandleAsync(ConsumeContext<StockRejected> context, CancellationToken cancellationToken)
    {
        await lifecycle.RejectStockAsync(context.Message.OrderId, ReasonFor(context.Message), cancellationToken);
    }

    public static string ReasonFor(StockRejected rejected)
    {
        var lines = rejected.ShortLines.Select(l => l.Available <= 0
            ? $"product {l.ProductId} is out of stock"
            : $"product {l.ProductId} has only {l.Available} left (you asked for {l.Requested})");
        var list = string.Join("; ", lines);
        return list.Length > 0 ? $"Out of stock: {list}." : "Out of stock.";
    }
}
