using Commerce.BackgroundLoops;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Commerce.Messaging.Outbox;

/// <summary>
/// Publishes the outbox rows of <typeparamref name="TContext"/> and marks them sent.
/// <list type="bullet">
/// <item>One replica relays at a time (a session advisory lock); the others wait to take over.</item>
/// <item>A leader never stays stuck with the lock: each step of its leadership is bounded
/// (<see cref="OutboxOptions.StuckTimeout"/>), past which it ends its own session on the server and
/// starts over; a standby ends the session of a leader that has gone silent for twice as long.</item>
/// <item>Woken by the outbox trigger's NOTIFY when a transaction commits (<see cref="OutboxListener"/>), so
/// an event leaves within milliseconds; <see cref="OutboxOptions.PollInterval"/> only covers a missed notification.</item>
/// <item>Reads only rows whose transactions ended before every running one began, ordered by
/// transaction then insert: a slower transaction can never commit an earlier row afterwards.</item>
/// <item>Publishes nothing until this service's own receive endpoints are bound and consuming, when
/// it starts and after the broker was away: RabbitMQ drops a message no queue is bound for, so an
/// event published earlier could draw a reply (OrderSubmitted, then StockReserved) before this
/// service's queue exists to receive it.</item>
/// <item>Publishes aggregates side by side and each aggregate's events one after another; an
/// aggregate whose event fails waits (with back-off) without holding up the others. When the
/// broker is away, the whole relay backs off and nothing is lost.</item>
/// <item>Any failure (database, broker, listener, a bug) is logged, shown in <c>/health</c> under
/// <see cref="HealthCheckName"/>, and retried after a capped back-off: it never stops the host.</item>
/// </list>
/// Delivery is at least once (a crash between publish and mark republishes); consumers deduplicate
/// by message id, which is the event's id.
/// </summary>
public sealed partial class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    IBusControl bus,
    IOptions<OutboxOptions> options,
    OutboxMetrics metrics,
    LoopStatuses loops,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    public const string AggregateHeader = "Commerce-Aggregate-Id";

    /// <summary>The relay's entry in <c>/health</c>.</summary>
    public static string HealthCheckName => $"outbox-relay-{typeof(TContext).Name}";

    private static string ContextName => typeof(TContext).Name;

    private readonly LoopStatus _status = loops.For(HealthCheckName);

    private Backoff FailureBackoff => new(options.Value.RetryMinDelay, options.Value.RetryMaxDelay);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync(_status, FailureBackoff, async ct =>
        {
            // Returns when another replica leads: this one is on standby and asks again later.
            await RelayWhileLeaderAsync(ct);
            return options.Value.LeaderRetryInterval;
        }, clock, logger, stoppingToken);

    /// <summary>
    /// Takes the leadership if no other replica holds it, and relays until something fails. Every step is
    /// bounded (<see cref="LeaderWatchdog"/>): a leader stuck in one ends its own session on the server,
    /// which frees the lock, and gives the leadership up.
    /// </summary>
    private async Task RelayWhileLeaderAsync(CancellationToken ct)
    {
        using var watchdog = new LeaderWatchdog(options.Value.StuckTimeout, _status, clock, ct);
        watchdog.Step("taking the leadership");
        var leading = LeadIfFreeAsync(watchdog);
        var ended = await watchdog.WatchAsync(leading);
        if (watchdog.StuckSince is not { } since)
        {
            await leading;
            return;
        }

        var error = ended ? leading.Exception?.GetBaseException() : null;
        LogStuck(logger, error, ContextName, since, watchdog.Doing, watchdog.Limit.TotalSeconds, ended);
        if (watchdog.Session is { } session)
        {
            await EndOwnSessionAsync(session);
        }

        throw new OutboxLeaderStuckException(
            $"Stuck since {since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ({watchdog.Doing}): a step of the leadership ran longer than {watchdog.Limit.TotalSeconds:0.#} s"
            + (ended ? "; cancelled it" : " and ignored cancellation; abandoned it") + " and gave up the leadership", error);
    }

    private async Task LeadIfFreeAsync(LeaderWatchdog watchdog)
    {
        var ct = watchdog.Token;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var table = OutboxTable.Of(db);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        try
        {
            watchdog.Session = await table.TryLockAsync(connection, ct) ?? await TakeOverFromStuckLeaderAsync(connection, table, ct);
            if (watchdog.Session is null)
            {
                return;
            }

            LogLeader(logger, ContextName, table.Channel);
            watchdog.Now("starting the listener");
            await using var listener = await OutboxListener.StartAsync<TContext>(scopes, table.Channel, ct);
            await LeadAsync(connection, table, listener, watchdog);
        }
        finally
        {
            await OutboxTable.ResetConnectionAsync(connection);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Relays round after round while this replica leads; returns only by throwing.</summary>
    private async Task LeadAsync(NpgsqlConnection connection, OutboxTable table, OutboxListener listener, LeaderWatchdog watchdog)
    {
        var ct = watchdog.Token;
        var state = new RelayState(options.Value);
        var lastCleanup = DateTimeOffset.MinValue;
        var receiving = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!receiving)
            {
                watchdog.Step("waiting for the receive endpoints");
                await WaitUntilReceivingAsync(ct);
                receiving = true;
            }

            watchdog.Step("reading the outbox");
            listener.ClearWake();
            var round = await RelayRoundAsync(connection, table, state, watchdog);
            if (round.BrokerUnavailable)
            {
                watchdog.Step("backing off from the broker");
                await BackOffFromBrokerAsync(round.Error, ct);
                // A broker that comes back may have lost its queues; the endpoints declare them again.
                receiving = false;
                continue;
            }

            ct.ThrowIfCancellationRequested();
            BackgroundLoop.Recovered(_status, clock, logger);
            _status.Succeeded();
            if (clock.GetUtcNow() - lastCleanup > options.Value.CleanupInterval)
            {
                watchdog.Now("deleting old rows");
                await table.CleanupAsync(connection, clock.GetUtcNow(), options.Value, ct);
                lastCleanup = clock.GetUtcNow();
            }

            // Asked after the round, so that a row committed at any moment during it is seen here.
            watchdog.Now("looking for more rows");
            var pending = await table.AnyPendingAsync(connection, state.BlockedAggregates(clock.GetUtcNow()), ct);
            if (pending && round.Read > 0)
            {
                state.NothingHeldBack();
                continue;
            }

            var wait = NextWait(state, pending);
            LogRound(logger, ContextName, round.Read, round.Published, pending, wait.TotalMilliseconds);
            await listener.ThrowIfStoppedAsync();
            watchdog.Now("waiting for a notification");
            await listener.WaitAsync(wait, ct);
        }
    }

    /// <summary>
    /// How long to sleep unless a commit's NOTIFY comes first: until a blocked aggregate's retry time,
    /// soon when rows held back by a running transaction may have become readable, else the poll interval.
    /// </summary>
    private TimeSpan NextWait(RelayState state, bool pending)
    {
        // A leader runs a statement at least this often, however long the poll interval: a standby
        // tells a stuck leader by its silent session (TakeOverFromStuckLeaderAsync).
        var heartbeat = options.Value.StuckTimeout / 3;
        var wait = options.Value.PollInterval < heartbeat ? options.Value.PollInterval : heartbeat;
        if (state.NextAggregateRetry(clock.GetUtcNow()) is { } retry && retry < wait)
        {
            wait = retry;
        }

        if (!pending)
        {
            state.NothingHeldBack();
            return wait;
        }

        // Rows wait for an older transaction, whose end sends no notification: look again soon, then less often.
        var heldBack = state.NextHeldBackDelay();
        return heldBack < wait ? heldBack : wait;
    }

    private async Task BackOffFromBrokerAsync(string? error, CancellationToken ct)
    {
        var failures = _status.Failed($"The broker is unreachable: {error}");
        var delay = FailureBackoff.Delay(failures);
        LogBrokerUnavailable(logger, ContextName, delay.TotalMilliseconds, error);
        await Task.Delay(delay, clock, ct);
    }

    /// <summary>
    /// Waits until the bus has started and every receive endpoint is ready (its queue declared and
    /// bound), for at most <see cref="OutboxOptions.ReceiveReadyTimeout"/>: an endpoint that stays
    /// broken must not stop every other event from leaving.
    /// </summary>
    private async Task WaitUntilReceivingAsync(CancellationToken ct)
    {
        var health = bus.CheckHealth();
        if (health.Status == BusHealthStatus.Healthy)
        {
            return;
        }

        LogWaitingForReceive(logger, ContextName, health.Description);
        var started = clock.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Value.ReceiveReadyTimeout);
        try
        {
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, limit.Token);
            LogReceiving(logger, ContextName, clock.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogReceiveNotReady(logger, ContextName, options.Value.ReceiveReadyTimeout.TotalSeconds, bus.CheckHealth().Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This replica now relays the outbox of {Context} (channel {Channel})")]
    private static partial void LogLeader(ILogger logger, string context, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay of {Context} is stuck since {Since:o} ({Doing}): a step of its leadership ran longer than {Seconds} s (ended after cancelling: {Ended}); it ends its session and gives up the leadership")]
    private static partial void LogStuck(ILogger logger, Exception? exception, string context, DateTimeOffset since, string doing, double seconds, bool ended);



    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox relay of {Context} waits for this service's receive endpoints before publishing ({Health})")]
    private static partial void LogWaitingForReceive(ILogger logger, string context, string health);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay of {Context}: receive endpoints ready after {ElapsedMs} ms; publishing")]
    private static partial void LogReceiving(ILogger logger, string context, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context} publishes although receive endpoints are still not ready after {Seconds} s ({Health}); replies to its events may be lost until they are")]
    private static partial void LogReceiveNotReady(ILogger logger, string context, double seconds, string health);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox relay of {Context}: read {Read}, published {Published}, more pending {Pending}; waiting up to {WaitMs} ms")]
    private static partial void LogRound(ILogger logger, string context, int read, int published, bool pending, double waitMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context} cannot reach the broker ({Error}); next attempt in {DelayMs} ms")]
    private static partial void LogBrokerUnavailable(ILogger logger, string context, double delayMs, string? error);
}
