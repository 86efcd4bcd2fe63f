namespace Commerce.Messaging;

/// <summary>Consumer retries and endpoint naming, bound from <c>Messaging</c>.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>
    /// Prefix of every queue this service creates, so that two services consuming the same event
    /// each get their own queue. Defaults to the application name without <c>Commerce.</c>.
    /// </summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>Redeliveries in process before a message is parked in <c>&lt;queue&gt;_error</c>.</summary>
    public int RetryLimit { get; set; } = 5;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Messages a queue hands this service ahead of processing.</summary>
    public ushort PrefetchCount { get; set; } = 16;
}
