using System.Collections.Concurrent;
using System.Diagnostics;
using Commerce.Contracts;
using Commerce.Messaging.Idempotency;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Commerce.Tests.Messaging;

/// <summary>Every delivery the broker made, as the plain (non-idempotent) consumers saw it.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<Delivery> _deliveries = new();

    public IReadOnlyList<Delivery> All => [.. _deliveries];

    public void Add(Delivery delivery) => _deliveries.Enqueue(delivery);

    public async Task<IReadOnlyList<Delivery>> WaitForAsync(Func<IReadOnlyList<Delivery>, bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var all = All;
            if (done(all))
            {
                return all;
            }

            if (deadline.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s with {all.Count} deliveries.");
            }

            await Task.Delay(10);
        }
    }
}

public sealed record Delivery(Guid MessageId, string AggregateId, decimal Sequence, long Timestamp);

/// <summary>Products the idempotent consumers refuse until the fault is "fixed".</summary>
public sealed class FaultSwitch
{
    private readonly ConcurrentDictionary<int, int> _failing = new();
    private readonly ConcurrentDictionary<int, int> _attempts = new();

    public void FailFor(int productId) => _failing[productId] = 0;

    public void Fix(int productId) => _failing.TryRemove(productId, out _);

    public int Attempts(int productId) => _attempts.GetValueOrDefault(productId);

    public void ThrowIfFailing(int productId)
    {
        _attempts.AddOrUpdate(productId, 1, (_, n) => n + 1);
        if (_failing.ContainsKey(productId))
        {
            throw new InvalidOperationException($"Simulated fault for product {productId}.");
        }
    }
}

public sealed class PriceChangedDeliveries(DeliveryLog log) : IConsumer<ProductPriceChanged>
{
    public Task Consume(ConsumeContext<ProductPriceChanged> context)
    {
        log.Add(new Delivery(context.MessageId ?? Guid.Empty, $"product:{context.Message.ProductId}", context.Message.NewPrice, Stopwatch.GetTimestamp()));
        return Task.CompletedTask;
    }
}

/// <summary>Applies price changes once each: the way Cart or Ordering would consume an event.</summary>
public sealed class PriceChangedProjection(MessagingTestDb db, FaultSwitch faults, ILogger<PriceChangedProjection> logger)
    : IdempotentConsumer<ProductPriceChanged, MessagingTestDb>(db, logger)
{
    protected override async Task HandleAsync(ConsumeContext<ProductPriceChanged> context, CancellationToken cancellationToken)
    {
        var message = context.Message;
        Db.AppliedEvents.Add(new AppliedEvent
        {
            EventId = message.EventId,
            Consumer = nameof(PriceChangedProjection),
            AggregateId = $"product:{message.ProductId}",
            Sequence = message.NewPrice,
        });
        // The fault comes after a write, so a failed attempt must be seen to leave nothing behind.
        await Db.SaveChangesAsync(cancellationToken);
        faults.ThrowIfFailing(message.ProductId);
    }
}

/// <summary>A consumer that reacts with an event of its own, through the outbox.</summary>
public sealed class ProductChangedProjection(MessagingTestDb db, ILogger<ProductChangedProjection> logger)
    : IdempotentConsumer<ProductChanged, MessagingTestDb>(db, logger)
{
    protected override Task HandleAsync(ConsumeContext<ProductChanged> context, CancellationToken cancellationToken)
    {
        Db.AppliedEvents.Add(new AppliedEvent
        {
            EventId = context.Message.EventId,
            Consumer = nameof(ProductChangedProjection),
            AggregateId = $"product:{context.Message.ProductId}",
            Sequence = (int)context.Message.Kind,
        });
        return Task.CompletedTask;
    }
}
