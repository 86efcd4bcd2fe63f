using Commerce.Ordering.Checkout;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commerce.Ordering.Orders;

public abstract record LifecycleOutcome
{
    public sealed record Done(Order Order) : LifecycleOutcome;
    public sealed record NotAllowed(Order Order) : LifecycleOutcome;
    public sealed record NotFound : LifecycleOutcome;
}

/// <summary>
/// Every change of an order's state after checkout, from a buyer, an operator or an event. Each
/// change and its integration event are saved together; a concurrent change of the same order is
/// detected by its row version and the step is tried again on fresh data.
/// </summary>
public sealed class OrderLifecycle(
    OrderingDbContext db,
    IOrderEvents events,
    IPaymentProvider payments,
    IOptions<PaymentOptions> paymentOptions,
    TimeProvider time,
    ILogger<OrderLifecycle> logger)
{
    public const string BuyerCancelReason = "Cancelled by the buyer.";
    public const string OperatorCancelReason = "Cancelled by the shop.";
    public const string PaymentTimeoutReason = "Payment timed out.";

    public Task<LifecycleOutcome> CancelByBuyerAsync(Guid orderId, string buyerId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, o => o.BuyerId == buyerId, (o, now) => o.Cancel(BuyerCancelReason, now), events.Cancelled, cancellationToken, NoPaymentUnderwayAsync);

    public Task<LifecycleOutcome> CancelByOperatorAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, _ => true, (o, now) => o.Cancel(OperatorCancelReason, now), events.Cancelled, cancellationToken, NoPaymentUnderwayAsync);

    public Task<LifecycleOutcome> ShipAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, _ => true, (o, now) => o.Ship(now), events.Shipped, cancellationToken);

    /// <summary>Catalog could not reserve every line: the order ends here.</summary>
    public Task<LifecycleOutcome> RejectStockAsync(Guid orderId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, _ => true, (o, now) => o.Cancel(reason, now), events.Cancelled, cancellationToken);

    /// <summary>
    /// Catalog reserved the stock: record it, then take the payment. The payment row is written before
    /// the provider is called, and the provider gets the order's idempotency key, so however often
    /// this runs the card is charged at most once. Two transactions in the usual case: the
    /// reservation with the payment row, then the payment's outcome with the order's (docs/performance.md).
    /// </summary>
    public async Task<LifecycleOutcome> ReserveAndPayAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var (order, attempt, stop) = await ReserveAndStartPaymentAsync(orderId, cancellationToken);
        if (stop is not null)
        {
            return stop;
        }

        if (attempt.Status == PaymentStatus.Pending)
        {
            var record = await ChargeAsync(order, attempt, cancellationToken);
            record(attempt);
            var now = time.GetStorageNow();
            var concluded = attempt.Status == PaymentStatus.Approved ? order.MarkPaid(now) : order.Cancel(PaymentFailureReason(attempt), now);
            if (concluded == TransitionResult.Moved)
            {
                if (attempt.Status == PaymentStatus.Approved)
                {
                    events.Paid(order);
                }
                else
                {
                    events.Cancelled(order);
                }
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Payment for order {OrderId}: {PaymentStatus}", order.Id, attempt.Status);
                return concluded == TransitionResult.Refused ? new LifecycleOutcome.NotAllowed(order) : new LifecycleOutcome.Done(order);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The order changed since the payment started (another delivery of this event got
                // there first): record the payment on its own if still needed, then conclude on fresh data.
                attempt = await RecordPaymentAsync(orderId, record, cancellationToken);
            }
        }

        return attempt.Status switch
        {
            PaymentStatus.Approved => await ChangeAsync(orderId, _ => true, (o, now) => o.MarkPaid(now), events.Paid, cancellationToken),
            _ => await ChangeAsync(orderId, _ => true, (o, now) => o.Cancel(PaymentFailureReason(attempt), now), events.Cancelled, cancellationToken),
        };
    }

    /// <summary>
    /// Marks the stock reserved, writes the payment row and bumps the order's version in one save:
    /// from then on a cancel conflicts, retries and is refused, so a card is never charged for a
    /// cancelled order.
    /// </summary>
    private async Task<(Order Order, PaymentAttempt Attempt, LifecycleOutcome? Stop)> ReserveAndStartPaymentAsync(
        Guid orderId, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            db.ChangeTracker.Clear();
            var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is null)
            {
                return (null!, null!, new LifecycleOutcome.NotFound());
            }

            var now = time.GetStorageNow();
            var reserved = order.MarkStockReserved(now);
            if (reserved == TransitionResult.Refused)
            {
                return (order, null!, new LifecycleOutcome.NotAllowed(order));
            }

            // An order that has only now left Submitted cannot have a payment yet.
            var attempt = reserved == TransitionResult.Moved ? null : await db.Payments.FirstOrDefaultAsync(p => p.OrderId == orderId, cancellationToken);
            if (attempt is not null)
            {
                return (order, attempt, null);
            }

            attempt = PaymentAttempt.Start(order, now);
            db.Payments.Add(attempt);
            order.NotePaymentStarted(now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (order, attempt, null);
            }
            catch (DbUpdateConcurrencyException) when (round < 5)
            {
                // The order changed (a cancel, another delivery): look again.
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                // Another delivery started this payment first; it finishes it.
                db.ChangeTracker.Clear();
                return (order, null!, new LifecycleOutcome.Done(order));
            }
        }
    }

    private async Task<PaymentAttempt> RecordPaymentAsync(Guid orderId, Action<PaymentAttempt> record, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var attempt = await db.Payments.FirstAsync(p => p.OrderId == orderId, cancellationToken);
        if (attempt.Status == PaymentStatus.Pending)
        {
            record(attempt);
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Payment for order {OrderId}: {PaymentStatus}", orderId, attempt.Status);
        }

        return attempt;
    }

    private async Task<bool> NoPaymentUnderwayAsync(Order order, CancellationToken cancellationToken) =>
        !await db.Payments.AnyAsync(p => p.OrderId == order.Id && (p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Approved), cancellationToken);

    /// <summary>Calls the provider; what it answered is applied to a payment by the returned action.</summary>
    private async Task<Action<PaymentAttempt>> ChargeAsync(Order order, PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(paymentOptions.Value.Timeout);
        try
        {
            var result = await payments.ChargeAsync(attempt.IdempotencyKey, order.PaymentMethodToken, attempt.Amount, attempt.Currency, timeout.Token);
            var at = time.GetStorageNow();
            return result.Outcome == ChargeOutcome.Approved
                ? a => a.Approve(result.Reference, at)
                : a => a.Decline(result.Reference, result.DeclineReason ?? "The card was declined.", at);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var at = time.GetStorageNow();
            return a => a.TimeOut(at);
        }
    }

    private static string PaymentFailureReason(PaymentAttempt attempt) => attempt.Status switch
    {
        PaymentStatus.TimedOut => PaymentTimeoutReason,
        _ => $"Payment failed: {attempt.FailureReason}",
    };

    /// <summary>Cancels orders whose reserved stock has waited too long for payment.</summary>
    public async Task<int> CancelTimedOutAsync(CancellationToken cancellationToken)
    {
        var limit = paymentOptions.Value.ReservationTimeout;
        var cutoff = time.GetStorageNow() - limit;
        var ids = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.StockReserved && o.StockReservedAt <= cutoff)
            .OrderBy(o => o.StockReservedAt)
            .Select(o => o.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        var cancelled = 0;
        foreach (var id in ids)
        {
            var outcome = await ChangeAsync(id, o => o.PaymentTimedOut(time.GetStorageNow(), limit),
                (o, now) => o.Cancel(PaymentTimeoutReason, now), events.Cancelled, cancellationToken, NoPaymentUnderwayAsync);
            if (outcome is LifecycleOutcome.Done { Order.Status: OrderStatus.Cancelled })
            {
                cancelled++;
            }
        }

        return cancelled;
    }

    private async Task<LifecycleOutcome> ChangeAsync(Guid orderId, Func<Order, bool> visible,
        Func<Order, DateTimeOffset, TransitionResult> transition, Action<Order>? publish, CancellationToken cancellationToken,
        Func<Order, CancellationToken, Task<bool>>? allowed = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var order = await db.Orders.FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is null || !visible(order))
            {
                return new LifecycleOutcome.NotFound();
            }

            if (allowed is not null && order.Status != OrderStatus.Cancelled && !await allowed(order, cancellationToken))
            {
                return new LifecycleOutcome.NotAllowed(order);
            }

            switch (transition(order, time.GetStorageNow()))
            {
                case TransitionResult.AlreadyThere:
                    return new LifecycleOutcome.Done(order);
                case TransitionResult.Refused:
                    return new LifecycleOutcome.NotAllowed(order);
            }

            publish?.Invoke(order);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new LifecycleOutcome.Done(order);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                logger.LogDebug("Order {OrderId} changed concurrently; retrying", orderId);
            }
        }
    }
}
