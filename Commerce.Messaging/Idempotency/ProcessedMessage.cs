namespace Commerce.Messaging.Idempotency;

/// <summary>That a consumer applied a message, written in the same transaction as what it changed.</summary>
public sealed class ProcessedMessage(string consumerName, Guid messageId, DateTimeOffset processedAt)
{
    public string ConsumerName { get; private set; } = consumerName;

    public Guid MessageId { get; private set; } = messageId;

    public DateTimeOffset ProcessedAt { get; private set; } = processedAt;
}
