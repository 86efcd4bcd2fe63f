using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Commerce.Messaging.Replay;

public sealed record ReplayResult(string Queue, int Replayed, uint LeftInErrorQueue);

/// <summary>Why a replay was refused, in words an operator can act on.</summary>
public sealed class ReplayException(ReplayFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public ReplayFailure Failure { get; } = failure;
}

public enum ReplayFailure
{
    InvalidQueueName,
    QueueNotFound,
    BrokerUnreachable,
}

/// <summary>
/// Moves the messages MassTransit parked in <c>&lt;queue&gt;_error</c> back to <c>&lt;queue&gt;</c>,
/// oldest first, each acknowledged only after the broker confirmed its copy (a crash replays it
/// twice at worst, which idempotent consumers absorb). Only the messages present when the replay
/// starts are moved, so one that fails again is not replayed in a loop.
/// </summary>
public sealed partial class ErrorQueueReplayer(MessagingConnection connection, ILogger<ErrorQueueReplayer> logger)
{
    public const string ErrorQueueSuffix = "_error";

    public async Task<ReplayResult> ReplayAsync(string queue, int? max = null, CancellationToken cancellationToken = default)
    {
        if (!QueueName().IsMatch(queue) || queue.EndsWith(ErrorQueueSuffix, StringComparison.Ordinal))
        {
            throw new ReplayException(ReplayFailure.InvalidQueueName,
                $"'{queue}' is not a queue name. Name the consumer's queue (e.g. catalog-order-submitted), not its {ErrorQueueSuffix} queue.");
        }

        var errorQueue = queue + ErrorQueueSuffix;
        var factory = new ConnectionFactory
        {
            HostName = connection.Host,
            Port = connection.Port,
            VirtualHost = connection.VirtualHost,
            UserName = connection.Username,
            Password = connection.Password,
            Ssl = { Enabled = connection.UseTls, ServerName = connection.Host },
            ClientProvidedName = "error-queue-replay",
        };

        IConnection amqp;
        try
        {
            amqp = await factory.CreateConnectionAsync(cancellationToken);
        }
        catch (BrokerUnreachableException ex)
        {
            throw new ReplayException(ReplayFailure.BrokerUnreachable, "The message broker cannot be reached; try again when it is back.", ex);
        }

        await using (amqp)
        {
            var available = await CountAsync(amqp, errorQueue, cancellationToken)
                ?? throw new ReplayException(ReplayFailure.QueueNotFound, $"There is no error queue {errorQueue}: nothing has failed on {queue}, or the name is wrong.");
            if (await CountAsync(amqp, queue, cancellationToken) is null)
            {
                throw new ReplayException(ReplayFailure.QueueNotFound, $"There is no queue {queue} to replay into.");
            }

            var limit = max is { } m ? Math.Min((uint)Math.Max(m, 0), available) : available;
            await using var channel = await amqp.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            var replayed = 0;
            while (replayed < limit)
            {
                var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken);
                if (message is null)
                {
                    break;
                }

                var properties = new BasicProperties(message.BasicProperties)
                {
                    Headers = message.BasicProperties.Headers?
                        .Where(h => !IsFaultHeader(h.Key))
                        .ToDictionary(h => h.Key, h => h.Value),
                };
                // To the queue itself (default exchange), not its exchange: only this consumer gets it back.
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, message.Body, cancellationToken);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                replayed++;
            }

            var left = await CountAsync(amqp, errorQueue, cancellationToken) ?? 0;
            LogReplayed(logger, replayed, errorQueue, queue, left);
            return new ReplayResult(queue, replayed, left);
        }
    }

    /// <summary>Messages ready in <paramref name="queue"/>, or null when it does not exist.</summary>
    private static async Task<uint?> CountAsync(IConnection amqp, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel, hence a channel of its own.
        await using var channel = await amqp.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    /// <summary>MassTransit's record of the failure; the replayed message should look as it was first sent.</summary>
    private static bool IsFaultHeader(string name) =>
        name.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase) || name.Equals("MT-Reason", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}$")]
    private static partial Regex QueueName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replayed {Count} messages from {ErrorQueue} to {Queue}; {Left} left in the error queue")]
    private static partial void LogReplayed(ILogger logger, int count, string errorQueue, string queue, uint left);
}
