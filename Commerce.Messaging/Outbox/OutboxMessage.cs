using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Commerce.Contracts;

namespace Commerce.Messaging.Outbox;

/// <summary>
/// An event waiting in the service's own database to be published. Written in the same transaction
/// as the change it reports, so the two exist together or not at all.
/// </summary>
public sealed class OutboxMessage
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private OutboxMessage()
    {
    }

    /// <summary>Insert order; the relay publishes in it (per committing transaction).</summary>
    public long Id { get; private set; }

    /// <summary>The event's id, published as the message id so consumers recognise redeliveries.</summary>
    public Guid MessageId { get; private set; }

    /// <summary>What the event is about (e.g. <c>order:…</c>); events of one aggregate keep their order.</summary>
    public string AggregateId { get; private set; } = string.Empty;

    /// <summary><c>Namespace.Type, Assembly</c> of the event.</summary>
    public string MessageType { get; private set; } = string.Empty;

    /// <summary>The event as JSON.</summary>
    public string Payload { get; private set; } = string.Empty;

    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>The W3C trace context of the change, so the publish joins the request's trace.</summary>
    public string? TraceParent { get; private set; }

    public static OutboxMessage Create<TEvent>(string aggregateId, TEvent @event, TimeProvider? clock = null)
        where TEvent : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aggregateId);
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var integrationEvent = @event as IntegrationEvent;
        return new OutboxMessage
        {
            MessageId = integrationEvent?.EventId ?? Guid.CreateVersion7(),
            AggregateId = aggregateId,
            MessageType = TypeName(type),
            Payload = JsonSerializer.Serialize(@event, type, JsonOptions),
            OccurredAt = (integrationEvent?.OccurredAt ?? now).ToUniversalTime(),
            CreatedAt = now,
            TraceParent = Activity.Current?.Id,
        };
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
