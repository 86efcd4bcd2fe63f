using Commerce.Contracts;
using Commerce.Recommendations.Data;
using Commerce.Recommendations.Domain;
using Commerce.Messaging.Idempotency;
using MassTransit;

namespace Commerce.Recommendations.Orders;

/// <summary>An order was submitted: keep its lines until it is paid (or cancelled).</summary>
public sealed class OrderSubmittedConsumer(RecommendationsDbContext db, SalesLedger ledger, ILogger<OrderSubmittedConsumer> logger)
    : IdempotentConsumer<OrderSubmitted, RecommendationsDbContext>(db, logger)
{
    protected override async Task HandleAsync(ConsumeContext<OrderSubmitted> context, CancellationToken cancellationToken)
    {
        var order = await ledger.LockOrderAsync(context.Message.OrderId, cancellationToken);
        var (next, step) = SalesLedger.ProgressOf(order).WithLines();
        if (!order.LinesKnown)
        {
            await ledger.AddLinesAsync(order, context.Message.Lines.Select(l => new SoldProduct(l.ProductId, l.Quantity)), cancellationToken);
        }

        await ledger.ApplyAsync(order, next, step, cancellationToken);
    }
}

/// <summary>An order was paid: it counts in "bought together" and, paid within the window, in trending.</summary>
public sealed class OrderPaidConsumer(RecommendationsDbContext db, SalesLedger ledger, ILogger<OrderPaidConsumer> logger)
    : IdempotentConsumer<OrderPaid, RecommendationsDbContext>(db, logger)
{
    protected override async Task HandleAsync(ConsumeContext<OrderPaid> context, CancellationToken cancellationToken)
    {
        var order = await ledger.LockOrderAsync(context.Message.OrderId, cancellationToken);
        var (next, step) = SalesLedger.ProgressOf(order).WithPayment(context.Message.OccurredAt);
        await ledger.ApplyAsync(order, next, step, cancellationToken);
    }
}

/// <summary>
/// An order was cancelled. Ordering cancels only before payment today, so this mostly closes an
/// order that will never count; should a paid order ever be cancelled, it is counted out again.
/// </summary>
public sealed class OrderCancelledConsumer(RecommendationsDbContext db, SalesLedger ledger, ILogger<OrderCancelledConsumer> logger)
    : IdempotentConsumer<OrderCancelled, RecommendationsDbContext>(db, logger)
{
    protected override async Task HandleAsync(ConsumeContext<OrderCancelled> context, CancellationToken cancellationToken)
    {
        var order = await ledger.LockOrderAsync(context.Message.OrderId, cancellationToken);
        var (next, step) = SalesLedger.ProgressOf(order).WithCancellation();
        await ledger.ApplyAsync(order, next, step, cancellationToken);
    }
}
