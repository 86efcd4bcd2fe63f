namespace Commerce.Messaging.Outbox;

/// <summary>How the outbox relay works, bound from <c>Messaging:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Messaging:Outbox";

    /// <summary>Rows read and published per round.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Aggregates published side by side; one aggregate's events always go one after another.</summary>
    public int MaxConcurrentAggregates { get; set; } = 16;

    /// <summary>
    /// How often the relay looks without being woken. Commits wake it at once (LISTEN/NOTIFY); this
    /// only bounds the delay should a notification be missed.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a replica that is not the relay tries to become it.</summary>
    public TimeSpan LeaderRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// First wait before looking again at committed rows that an older, still running transaction holds
    /// back (its end sends no notification); doubles up to <see cref="HeldBackMaxDelay"/>.
    /// </summary>
    public TimeSpan HeldBackFirstDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    public TimeSpan HeldBackMaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the relay waits, when it starts and after the broker was away, for this service's
    /// receive endpoints to be bound before it publishes anyway. RabbitMQ drops what no queue is bound
    /// for, so a reply to an event published earlier could be lost.
    /// </summary>
    public TimeSpan ReceiveReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest one step of a leadership may take: taking it (connection, lock, listener), one round
    /// (read, publish, mark) with the wait that follows it. A leader whose step runs longer is stuck (a
    /// read on a connection that no longer answers, a call that ignores cancellation): it cancels the
    /// step, ends its own session on the server (which frees the lock), gives up the leadership and
    /// says so in <c>/health</c>. A replica on standby ends the session of a leader that has run no
    /// statement for twice this long, which covers a leader that cannot do it itself. Must exceed
    /// <see cref="PublishTimeout"/>, <see cref="ReceiveReadyTimeout"/> and <see cref="RetryMaxDelay"/>,
    /// and the database's command timeout (Npgsql's default: 30 s).
    /// </summary>
    public TimeSpan StuckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one publish may wait for the broker's confirm.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// First wait after a failure: an event that could not be published (its aggregate waits), the broker
    /// away, the database away. Doubles (with jitter) up to <see cref="RetryMaxDelay"/>, then stays there
    /// until the failure ends.
    /// </summary>
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long sent rows are kept for inspection before they are deleted.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How long processed-message records are kept. A redelivery later than this would be applied
    /// again, so it should outlive any outage by far.
    /// </summary>
    public TimeSpan ProcessedRetention { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}
