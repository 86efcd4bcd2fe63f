using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Commerce.ServiceDefaults.Messaging.Idempotency;

namespace Commerce.ServiceDefaults.Messaging.Outbox;

/// <summary>
/// Publishes the outbox rows of <typeparamref name="TContext"/> and marks them sent.
/// <list type="bullet">
/// <item>One replica relays at a time (a session advisory lock); the others wait to take over.</item>
/// <item>Woken by the outbox trigger's NOTIFY when a transaction commits, so an event leaves within
/// milliseconds; <see cref="OutboxOptions.PollInterval"/> only covers a missed notification.</item>
/// <item>Reads only rows whose transactions ended before every running one began, ordered by
/// transaction then insert: a slower transaction can never commit an earlier row afterwards.</item>
/// <item>Publishes nothing until this service's own receive endpoints are bound and consuming, when
/// it starts and after the broker was away: RabbitMQ drops a message no queue is bound for, so an
/// event published earlier could draw a reply (OrderSubmitted, then StockReserved) before this
/// service's queue exists to receive it.</item>
/// <item>Publishes aggregates side by side and each aggregate's events one after another; an
/// aggregate whose event fails waits (with back-off) without holding up the others. When the
/// broker is away, the whole relay backs off and nothing is lost.</item>
/// </list>
/// Delivery is at least once (a crash between publish and mark republishes); consumers deduplicate
/// by message id, which is the event's id.
/// </summary>
public sealed partial class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    IBusControl bus,
    IOptions<OutboxOptions> options,
    OutboxMetrics metrics,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    public const string AggregateHeader = "Commerce-Aggregate-Id";

    private readonly ConcurrentDictionary<string, Type?> _types = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RelayWhileLeaderAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or DbUpdateException)
            {
                LogDatabaseUnavailable(logger, typeof(TContext).Name, ex.Message);
            }

            try
            {
                await Task.Delay(options.Value.LeaderRetryInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RelayWhileLeaderAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var (table, schema) = OutboxDbContextExtensions.TableOf<OutboxMessage>(db);
        var processed = OutboxDbContextExtensions.Maps<ProcessedMessage>(db) ? OutboxDbContextExtensions.TableOf<ProcessedMessage>(db) : default;
        var sql = new OutboxSql(OutboxDbContextExtensions.QualifiedName(table, schema),
            processed.Table is null ? null : OutboxDbContextExtensions.QualifiedName(processed.Table, processed.Schema));
        var channel = OutboxDbContextExtensions.NotificationChannel(table, schema);
        var lockKey = Data.AdvisoryLocks.Key($"commerce-outbox:{channel}");

        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        try
        {
            if (!await TryLockAsync(connection, lockKey, ct))
            {
                return;
            }

            LogLeader(logger, typeof(TContext).Name, channel);
            // Notifications come on a connection of their own that does nothing else, so none is
            // consumed unseen by a query of the relay's.
            var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
            await using var listenerScope = scopes.CreateAsyncScope();
            var listenerDb = listenerScope.ServiceProvider.GetRequiredService<TContext>();
            await listenerDb.Database.OpenConnectionAsync(ct);
            var listenerConnection = (NpgsqlConnection)listenerDb.Database.GetDbConnection();
            listenerConnection.Notification += (_, _) => wake.Writer.TryWrite(true);
            await ExecuteAsync(listenerConnection, $"LISTEN {OutboxDbContextExtensions.Quote(channel)}", ct);
            using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var listener = ListenAsync(listenerConnection, wake.Writer, stopListening.Token);
            try
            {
                var state = new RelayState();
                var lastCleanup = DateTimeOffset.MinValue;
                var receiving = false;
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    if (!receiving)
                    {
                        await WaitUntilReceivingAsync(ct);
                        receiving = true;
                    }

                    wake.Reader.TryRead(out _);
                    var round = await RelayRoundAsync(connection, sql, state, ct);
                    if (round.BrokerUnavailable)
                    {
                        var delay = state.NextBrokerDelay(options.Value);
                        LogBrokerUnavailable(logger, typeof(TContext).Name, delay.TotalMilliseconds, round.Error);
                        await Task.Delay(delay, clock, ct);
                        // A broker that comes back may have lost its queues; the endpoints declare them again.
                        receiving = false;
                        continue;
                    }

                    state.BrokerFailures = 0;
                    if (clock.GetUtcNow() - lastCleanup > options.Value.CleanupInterval)
                    {
                        await CleanupAsync(connection, sql, ct);
                        lastCleanup = clock.GetUtcNow();
                    }

                    // Asked after the round, so that a row committed at any moment during it is seen here.
                    var pending = await AnyPendingAsync(connection, sql, state.BlockedAggregates(clock.GetUtcNow()), ct);
                    if (pending && round.Read > 0)
                    {
                        state.HeldBackDelay = TimeSpan.Zero;
                        continue;
                    }

                    // Wakes on the trigger's NOTIFY, at a blocked aggregate's retry time, when rows held
                    // back by a running transaction may have become readable, or at the poll interval.
                    var wait = options.Value.PollInterval;
                    if (state.NextAggregateRetry(clock.GetUtcNow()) is { } retry && retry < wait)
                    {
                        wait = retry;
                    }

                    if (pending)
                    {
                        // Rows wait for an older transaction, whose end sends no notification: look
                        // again soon, then less often.
                        state.HeldBackDelay = state.HeldBackDelay == TimeSpan.Zero ? TimeSpan.FromMilliseconds(2) : state.HeldBackDelay * 2;
                        wait = TimeSpan.FromTicks(Math.Min(Math.Min(wait.Ticks, state.HeldBackDelay.Ticks), TimeSpan.FromMilliseconds(250).Ticks));
                    }
                    else
                    {
                        state.HeldBackDelay = TimeSpan.Zero;
                    }

                    LogRound(logger, typeof(TContext).Name, round.Read, round.Published, pending, wait.TotalMilliseconds);
                    if (listener.IsCompleted)
                    {
                        await listener; // surfaces why the listener stopped; leadership starts over
                        throw new InvalidOperationException("The outbox listener stopped.");
                    }

                    using var waitLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    waitLimit.CancelAfter(wait);
                    try
                    {
                        await wake.Reader.ReadAsync(waitLimit.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // Waited long enough: look anyway.
                    }
                }
            }
            finally
            {
                await stopListening.CancelAsync();
                try
                {
                    await listener;
                }
                catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException)
                {
                    // Ending with the leadership, or already broken.
                }

                await ResetConnectionAsync(listenerConnection);
                await listenerDb.Database.CloseConnectionAsync();
            }
        }
        finally
        {
            await ResetConnectionAsync(connection);
            await db.Database.CloseConnectionAsync();
        }
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

        LogWaitingForReceive(logger, typeof(TContext).Name, health.Description);
        var started = clock.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Value.ReceiveReadyTimeout);
        try
        {
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, limit.Token);
            LogReceiving(logger, typeof(TContext).Name, clock.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogReceiveNotReady(logger, typeof(TContext).Name, options.Value.ReceiveReadyTimeout.TotalSeconds, bus.CheckHealth().Description);
        }
    }

    private async Task<RoundResult> RelayRoundAsync(NpgsqlConnection connection, OutboxSql sql, RelayState state, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var blocked = state.BlockedAggregates(now);
        var rows = await ReadUnsentAsync(connection, sql, blocked, options.Value.BatchSize, ct);
        if (rows.Count == 0)
        {
            return new RoundResult(0, 0, false, null);
        }

        var sent = new ConcurrentBag<long>();
        var failed = new ConcurrentBag<(OutboxRow Row, Exception Error)>();
        using var brokerDown = CancellationTokenSource.CreateLinkedTokenSource(ct);
        string? brokerError = null;
        try
        {
            await Parallel.ForEachAsync(
                rows.GroupBy(r => r.AggregateId, StringComparer.Ordinal),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrentAggregates, CancellationToken = brokerDown.Token },
                async (aggregate, token) =>
                {
                    foreach (var row in aggregate)
                    {
                        try
                        {
                            await PublishAsync(row, token);
                            sent.Add(row.Id);
                        }
                        catch (Exception ex) when (!token.IsCancellationRequested)
                        {
                            if (IsBrokerFailure(ex))
                            {
                                brokerError ??= ex.Message;
                                await brokerDown.CancelAsync();
                            }
                            else
                            {
                                failed.Add((row, ex));
                            }

                            // Later events of this aggregate wait for this one.
                            break;
                        }
                    }
                });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The broker went away mid-round: what was confirmed is marked below, the rest waits.
        }

        if (!sent.IsEmpty)
        {
            var sentAt = await MarkSentAsync(connection, sql, [.. sent]);
            foreach (var row in rows.Where(r => sent.Contains(r.Id)))
            {
                state.Succeeded(row.AggregateId);
                metrics.Published(sentAt - row.CreatedAt);
            }
        }

        foreach (var (row, error) in failed)
        {
            var retryIn = state.Failed(row.AggregateId, now, options.Value);
            LogPublishFailed(logger, error, row.Id, row.MessageType, row.AggregateId, retryIn.TotalMilliseconds);
            await RecordFailureAsync(connection, sql, row.Id, error.Message, ct);
        }

        return new RoundResult(rows.Count, sent.Count, brokerError is not null && sent.IsEmpty, brokerError);
    }

    private async Task PublishAsync(OutboxRow row, CancellationToken ct)
    {
        var type = _types.GetOrAdd(row.MessageType, static name => Type.GetType(name, throwOnError: false))
            ?? throw new OutboxMessageException($"Event type {row.MessageType} is not known to this service.");
        object message;
        try
        {
            message = JsonSerializer.Deserialize(row.Payload, type, OutboxMessage.JsonOptions)
                ?? throw new OutboxMessageException("The payload is null.");
        }
        catch (JsonException ex)
        {
            throw new OutboxMessageException($"The payload does not read as {type.Name}: {ex.Message}", ex);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.PublishTimeout);
        using var activity = OutboxMetrics.ActivitySource.StartActivity($"outbox relay {type.Name}", ActivityKind.Internal, row.TraceParent);
        try
        {
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = row.MessageId;
                context.Headers.Set(AggregateHeader, row.AggregateId);
            }), timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The broker did not confirm within {options.Value.PublishTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static bool IsBrokerFailure(Exception ex) =>
        ex is TimeoutException or ConnectionException or RabbitMQ.Client.Exceptions.BrokerUnreachableException
            or RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException
            or System.Net.Sockets.SocketException or IOException;

    private static async Task<List<OutboxRow>> ReadUnsentAsync(NpgsqlConnection connection, OutboxSql sql, string[] blocked, int limit, CancellationToken ct)
    {
        // Rows of a transaction still running (or of one that began before it) stay invisible until
        // it ends: that is what keeps a late commit from slipping in before rows already published.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT id, message_id, aggregate_id, message_type, payload::text, trace_parent, created_at
            FROM {sql.Outbox}
            WHERE sent_at IS NULL
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              AND NOT (aggregate_id = ANY($1))
            ORDER BY transaction_id, id
            LIMIT $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = blocked });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return rows;
    }

    /// <summary>Whether committed rows of aggregates that are not waiting out a failure are unsent.</summary>
    private static async Task<bool> AnyPendingAsync(NpgsqlConnection connection, OutboxSql sql, string[] blocked, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {sql.Outbox} WHERE sent_at IS NULL AND NOT (aggregate_id = ANY($1)))", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = blocked });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task ListenAsync(NpgsqlConnection connection, ChannelWriter<bool> wake, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await connection.WaitAsync(ct);
            }
        }
        finally
        {
            // A listener that stops wakes the relay, which then starts its leadership over.
            wake.TryWrite(true);
        }
    }

    /// <summary>A pooled connection goes back to the pool: leave no lock or subscription on it.</summary>
    private static async Task ResetConnectionAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await ExecuteAsync(connection, "UNLISTEN *; SELECT pg_advisory_unlock_all()", CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // Pooled connections are not reset on close (NoResetOnClose), so one that could not be
            // cleaned must not be reused: its session would keep the relay lock. Clearing the pool
            // discards it when it is returned; its session, and the lock, end with it.
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private static async Task<DateTimeOffset> MarkSentAsync(NpgsqlConnection connection, OutboxSql sql, long[] ids)
    {
        // Not cancelled at shutdown: abandoning the mark would send everything just published again.
        await using var command = new NpgsqlCommand(
            $"UPDATE {sql.Outbox} SET sent_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1) RETURNING sent_at", connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var sentAt = await command.ExecuteScalarAsync(CancellationToken.None);
        return sentAt is DateTime dt ? new DateTimeOffset(dt, TimeSpan.Zero) : sentAt as DateTimeOffset? ?? DateTimeOffset.UtcNow;
    }

    private static async Task RecordFailureAsync(NpgsqlConnection connection, OutboxSql sql, long id, string error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"UPDATE {sql.Outbox} SET attempts = attempts + 1, last_error = $2 WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.Length > 2000 ? error[..2000] : error });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task CleanupAsync(NpgsqlConnection connection, OutboxSql sql, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using (var command = new NpgsqlCommand($"DELETE FROM {sql.Outbox} WHERE sent_at < $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.Value.SentRetention });
            await command.ExecuteNonQueryAsync(ct);
        }

        if (sql.Processed is not null)
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {sql.Processed} WHERE processed_at < $1", connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.Value.ProcessedRetention });
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, long key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string text, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(text, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record OutboxRow(long Id, Guid MessageId, string AggregateId, string MessageType, string Payload, string? TraceParent, DateTimeOffset CreatedAt);

    private sealed record RoundResult(int Read, int Published, bool BrokerUnavailable, string? Error);

    private sealed class OutboxSql(string outbox, string? processed)
    {
        public string Outbox { get; } = outbox;
        public string? Processed { get; } = processed;
    }

    /// <summary>What one leadership remembers: back-off for the broker and for failing aggregates.</summary>
    private sealed class RelayState
    {
        private readonly Dictionary<string, (int Failures, DateTimeOffset RetryAt)> _blocked = new(StringComparer.Ordinal);

        public int BrokerFailures { get; set; }

        public TimeSpan HeldBackDelay { get; set; }

        public TimeSpan NextBrokerDelay(OutboxOptions o) => Backoff(++BrokerFailures, o);

        public string[] BlockedAggregates(DateTimeOffset now) =>
            [.. _blocked.Where(b => b.Value.RetryAt > now).Select(b => b.Key)];

        public TimeSpan? NextAggregateRetry(DateTimeOffset now) =>
            _blocked.Count == 0 ? null : _blocked.Values.Min(b => b.RetryAt) - now is var d && d > TimeSpan.Zero ? d : TimeSpan.FromMilliseconds(1);

        public TimeSpan Failed(string aggregate, DateTimeOffset now, OutboxOptions o)
        {
            var failures = _blocked.TryGetValue(aggregate, out var b) ? b.Failures + 1 : 1;
            var delay = Backoff(failures, o);
            _blocked[aggregate] = (failures, now + delay);
            return delay;
        }

        public void Succeeded(string aggregate) => _blocked.Remove(aggregate);

        private static TimeSpan Backoff(int failures, OutboxOptions o)
        {
            var ms = o.RetryMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
            return TimeSpan.FromMilliseconds(Math.Min(ms, o.RetryMaxDelay.TotalMilliseconds));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This replica now relays the outbox of {Context} (channel {Channel})")]
    private static partial void LogLeader(ILogger logger, string context, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox relay of {Context} waits for this service's receive endpoints before publishing ({Health})")]
    private static partial void LogWaitingForReceive(ILogger logger, string context, string health);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay of {Context}: receive endpoints ready after {ElapsedMs} ms; publishing")]
    private static partial void LogReceiving(ILogger logger, string context, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context} publishes although receive endpoints are still not ready after {Seconds} s ({Health}); replies to its events may be lost until they are")]
    private static partial void LogReceiveNotReady(ILogger logger, string context, double seconds, string health);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox relay of {Context}: read {Read}, published {Published}, more pending {Pending}; waiting up to {WaitMs} ms")]
    private static partial void LogRound(ILogger logger, string context, int read, int published, bool pending, double waitMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context} cannot reach its database: {Error}; retrying")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string context, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context} cannot reach the broker ({Error}); next attempt in {DelayMs} ms")]
    private static partial void LogBrokerUnavailable(ILogger logger, string context, double delayMs, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({MessageType}, aggregate {AggregateId}) could not be published; its aggregate waits {RetryMs} ms")]
    private static partial void LogPublishFailed(ILogger logger, Exception error, long id, string messageType, string aggregateId, double retryMs);
}

/// <summary>An outbox row that cannot be published as it is (unknown type, unreadable payload).</summary>
public sealed class OutboxMessageException(string message, Exception? inner = null) : Exception(message, inner);
