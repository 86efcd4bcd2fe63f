namespace Commerce.Ordering.Domain;

public enum PaymentStatus
{
    Pending,
    Approved,
    Declined,
    TimedOut,
}

/// <summary>
/// One per order: the row is written before the provider is called, so a second attempt (a
/// redelivered event, another replica) finds it and reuses the same idempotency key instead of
/// charging again.
/// </summary>
public sealed class PaymentAttempt
{
    private PaymentAttempt()
    {
    }

    public Guid OrderId { get; private set; }
    public PaymentStatus Status { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "USD";
    public string? ProviderReference { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>The key the provider deduplicates charges by.</summary>
    public string IdempotencyKey => $"order-{OrderId:N}";

    public static PaymentAttempt Start(Order order, DateTimeOffset now) => new()
    {
        OrderId = order.Id,
        Status = PaymentStatus.Pending,
        Amount = order.Total,
        Currency = order.Currency,
        StartedAt = now,
    };

    public void Approve(string reference, DateTimeOffset now) => Complete(PaymentStatus.Approved, reference, null, now);

    public void Decline(string? reference, string reason, DateTimeOffset now) => Complete(PaymentStatus.Declined, reference, reason, now);

    public void TimeOut(DateTimeOffset now) => Complete(PaymentStatus.TimedOut, null, "The payment timed out.", now);

    private void Complete(PaymentStatus status, string? reference, string? reason, DateTimeOffset now)
    {
        if (Status != PaymentStatus.Pending)
        {
            return;
        }

        Status = status;
        ProviderReference = reference;
        FailureReason = reason;
        CompletedAt = now;
    }
}
