using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Commerce.Messaging.Outbox;

/// <summary>Relaying one batch: read, publish per aggregate, mark what the broker confirmed.</summary>
public sealed partial class OutboxRelay<TContext>
{
    private readonly ConcurrentDictionary<string, Type?> _types = new(StringComparer.Ordinal);

    private async Task<RoundResult> RelayRoundAsync(NpgsqlConnection connection, OutboxTable table, RelayState state, LeaderWatchdog watchdog)
    {
        var ct = watchdog.Token;
        var now = clock.GetUtcNow();
        var rows = await table.ReadUnsentAsync(connection, state.BlockedAggregates(now), options.Value.BatchSize, ct);
        if (rows.Count == 0)
        {
            return new RoundResult(0, 0, false, null);
        }

        watchdog.Now("publishing");
        var (sent, failed, brokerError) = await PublishBatchAsync(rows, ct);
        watchdog.Now("marking rows sent");
        if (!sent.IsEmpty)
        {
            var sentAt = await table.MarkSentAsync(connection, [.. sent]);
            foreach (var row in rows.Where(r => sent.Contains(r.Id)))
            {
                state.Succeeded(row.AggregateId);
                metrics.Published(sentAt - row.CreatedAt);
            }
        }

        foreach (var (row, error) in failed)
        {
            var retryIn = state.Failed(row.AggregateId, now);
            LogPublishFailed(logger, error, row.Id, row.MessageType, row.AggregateId, retryIn.TotalMilliseconds);
            await table.RecordFailureAsync(connection, row.Id, error.Message, ct);
        }

        return new RoundResult(rows.Count, sent.Count, brokerError is not null && sent.IsEmpty, brokerError);
    }

    /// <summary>
    /// Publishes aggregates side by side, each one's rows in order; an aggregate stops at its first
    /// failure. A broker failure stops the whole batch: what was confirmed is marked, the rest waits.
    /// </summary>
    private async Task<(ConcurrentBag<long> Sent, ConcurrentBag<(OutboxRow Row, Exception Error)> Failed, string? BrokerError)> PublishBatchAsync(
        List<OutboxRow> rows, CancellationToken ct)
    {
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
            // The broker went away mid-round: what was confirmed is marked by the caller, the rest waits.
        }

        return (sent, failed, brokerError);
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

    private sealed record RoundResult(int Read, int Published, bool BrokerUnavailable, string? Error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({MessageType}, aggregate {AggregateId}) could not be published; its aggregate waits {RetryMs} ms")]
    private static partial void LogPublishFailed(ILogger logger, Exception error, long id, string messageType, string aggregateId, double retryMs);
}

/// <summary>An outbox row that cannot be published as it is (unknown type, unreadable payload).</summary>
public sealed class OutboxMessageException(string message, Exception? inner = null) : Exception(message, inner);
