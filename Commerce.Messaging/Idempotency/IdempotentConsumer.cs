using Commerce.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Commerce.Messaging.Idempotency;

/// <summary>
/// A consumer that applies each message once, however often it is delivered. <see cref="HandleAsync"/>
/// runs inside a transaction on <typeparamref name="TContext"/> (which maps the table with
/// <c>modelBuilder.MapProcessedMessages()</c>); its tracked changes, any SQL it runs on
/// <see cref="Db"/> and any event it adds to the outbox commit together with the record that this
/// consumer processed the message. A redelivery finds the record and changes nothing; a handler that
/// throws leaves nothing behind and is retried, then parked in the error queue. Messages are told
/// apart by <see cref="IntegrationEvent.EventId"/>, or by the transport's message id for others.
/// </summary>
/// <remarks>
/// Keep the handler's transaction short: no slow calls after its first write. Side effects outside
/// the database (HTTP calls) are not covered and must be idempotent on their own.
/// </remarks>
public abstract partial class IdempotentConsumer<TMessage, TContext>(TContext db, ILogger logger) : IConsumer<TMessage>
    where TMessage : class
    where TContext : DbContext
{
    protected TContext Db { get; } = db;

    /// <summary>Names this consumer in the processed-message table; renaming the class must not change it.</summary>
    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        // An event's own id survives any way of publishing it; the transport's id only a redelivery.
        var messageId = (context.Message as IntegrationEvent)?.EventId ?? context.MessageId
            ?? throw new InvalidOperationException($"A {typeof(TMessage).Name} arrived without a message id, so it cannot be deduplicated.");
        var consumer = ConsumerName;
        var strategy = Db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            Db.ChangeTracker.Clear();
            await using var transaction = await Db.Database.BeginTransactionAsync(ct);
            if (await Db.Set<ProcessedMessage>().AnyAsync(p => p.ConsumerName == consumer && p.MessageId == messageId, ct))
            {
                LogDuplicate(logger, consumer, typeof(TMessage).Name, messageId);
                return;
            }

            await HandleAsync(context, ct);
            Db.Set<ProcessedMessage>().Add(new ProcessedMessage(consumer, messageId, DateTimeOffset.UtcNow));
            try
            {
                await Db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
                                                && pg.ConstraintName?.StartsWith("pk_", StringComparison.Ordinal) == true
                                                && Db.Model.FindEntityType(typeof(ProcessedMessage))?.GetTableName() == pg.TableName)
            {
                // The same message ran here concurrently and committed first: this attempt's changes go.
                await transaction.RollbackAsync(CancellationToken.None);
                Db.ChangeTracker.Clear();
                LogDuplicate(logger, consumer, typeof(TMessage).Name, messageId);
            }
        }, context.CancellationToken);
    }

    /// <summary>
    /// Applies the message through <see cref="Db"/>. Changes are saved and committed afterwards;
    /// calling SaveChanges earlier is fine (it joins the transaction), committing is not.
    /// </summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, CancellationToken cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer} already processed {MessageType} {MessageId}; skipping the redelivery")]
    private static partial void LogDuplicate(ILogger logger, string consumer, string messageType, Guid messageId);
}
