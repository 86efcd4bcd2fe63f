namespace Commerce.Recommendations.Domain;

/// <summary>What applying an event to an order asks of the counts.</summary>
public enum TallyStep
{
    /// <summary>Nothing changes: the event was a repeat, or the order is not complete yet.</summary>
    None,

    /// <summary>The order is paid and its lines are known: count it, once.</summary>
    Count,

    /// <summary>A counted order was cancelled after payment: take it out again, once.</summary>
    Uncount,
}

/// <summary>
/// What this service knows of one order. Its lines come with <c>OrderSubmitted</c> and its payment
/// with <c>OrderPaid</c>, on separate queues, so either may arrive first; the order counts when both
/// are known, exactly once per order whatever is delivered again or replayed (even an <c>OrderPaid</c>
/// written twice with two event ids). A cancellation wins over a payment in any arrival order.
/// </summary>
public sealed record OrderProgress(bool LinesKnown, DateTimeOffset? PaidAt, bool Cancelled, bool Counted)
{
    public static OrderProgress Unknown { get; } = new(false, null, false, false);

    public (OrderProgress Next, TallyStep Step) WithLines() =>
        LinesKnown ? (this, TallyStep.None) : Settle(this with { LinesKnown = true });

    /// <param name="paidAt">When the order was paid (the event's time): trending counts it then, not when it arrived here.</param>
    public (OrderProgress Next, TallyStep Step) WithPayment(DateTimeOffset paidAt) =>
        PaidAt is not null ? (this, TallyStep.None) : Settle(this with { PaidAt = paidAt });

    public (OrderProgress Next, TallyStep Step) WithCancellation() =>
        Cancelled ? (this, TallyStep.None) : Settle(this with { Cancelled = true });

    private static (OrderProgress, TallyStep) Settle(OrderProgress next)
    {
        if (next.Counted && next.Cancelled)
        {
            return (next with { Counted = false }, TallyStep.Uncount);
        }

        if (!next.Counted && !next.Cancelled && next.LinesKnown && next.PaidAt is not null)
        {
            return (next with { Counted = true }, TallyStep.Count);
        }

        return (next, TallyStep.None);
    }
}
