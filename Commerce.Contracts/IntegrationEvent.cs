namespace Commerce.Contracts;

/// <summary>
/// What every integration event carries. <see cref="EventId"/> is stable for the life of the event
/// (the outbox publishes it as the message id), so a consumer can recognise a redelivery.
/// </summary>
public abstract record IntegrationEvent
{
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}
