using Commerce.Contracts;
using Commerce.Messaging.Idempotency;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Messaging;

public sealed class IdempotentConsumerTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_delivered_several_times_is_applied_once()
    {
        var app = fixture.App;
        var bus = app.App.Services.GetRequiredService<IBus>();
        var @event = new ProductPriceChanged(501, 1m, 2m, "EUR");

        // The same message (same id) five times, at once: as a broker redelivers after a lost ack.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => bus.Publish(@event, c => c.MessageId = @event.EventId)));

        await app.Deliveries().WaitForAsync(d => d.Count(x => x.MessageId == @event.EventId) == 5, Timeout);
        await OutboxTests.WaitForAsync(async () => await ProcessedAsync(app, @event.EventId) == 1);
        await Task.Delay(500);

        Assert.Single(await app.AppliedAsync(nameof(PriceChangedProjection)), a => a.EventId == @event.EventId);
        Assert.Equal(1, await ProcessedAsync(app, @event.EventId));
    }

    [Fact]
    public async Task An_event_the_relay_sends_again_after_a_crash_is_applied_once()
    {
        var app = fixture.App;
        var first = await app.ChangePriceAsync(502, 7m);
        await OutboxTests.WaitForAsync(async () => await ProcessedAsync(app, first.Event.EventId) == 1);
        // The consumer can finish before the relay marks the row sent; clearing sent_at before that
        // would be overwritten, and no resend would come.
        await OutboxTests.WaitForAsync(async () => await app.QueryAsync(db => db.Outbox.AnyAsync(m => m.MessageId == first.Event.EventId && m.SentAt != null)));

        // As if the relay had died between the broker's confirm and marking the row sent.
        await app.QueryAsync(db => db.Database.ExecuteSqlAsync($"UPDATE outbox_messages SET sent_at = NULL WHERE message_id = {first.Event.EventId}"));
        var second = await app.ChangePriceAsync(502, 8m);

        await app.Deliveries().WaitForAsync(d => d.Count(x => x.MessageId == first.Event.EventId) == 2 && d.Any(x => x.MessageId == second.Event.EventId), Timeout);
        await OutboxTests.WaitForAsync(async () => await ProcessedAsync(app, second.Event.EventId) == 1);
        await Task.Delay(300);

        var applied = (await app.AppliedAsync(nameof(PriceChangedProjection))).Where(a => a.AggregateId == "product:502").ToList();
        Assert.Equal([7m, 8m], applied.Select(a => a.Sequence));
        // Redelivered first, still before the later event: order per aggregate holds through the resend.
        Assert.Equal([first.Event.EventId, first.Event.EventId, second.Event.EventId],
            app.Deliveries().All.Where(d => d.AggregateId == "product:502").Select(d => d.MessageId));
    }

    [Fact]
    public async Task An_event_published_twice_under_different_message_ids_is_applied_once()
    {
        var app = fixture.App;
        var bus = app.App.Services.GetRequiredService<IBus>();
        var @event = new ProductChanged(503, ProductChangeKind.Stock);
        var repeat = new ProductChanged(503, ProductChangeKind.Stock); // equal content, another event
        await bus.Publish(@event);
        await bus.Publish(@event);
        await bus.Publish(repeat);

        await OutboxTests.WaitForAsync(async () => (await app.AppliedAsync(nameof(ProductChangedProjection))).Count(a => a.AggregateId == "product:503") == 2);
        await Task.Delay(500);

        var applied = (await app.AppliedAsync(nameof(ProductChangedProjection))).Where(a => a.AggregateId == "product:503").ToList();
        Assert.Equal(new[] { @event.EventId, repeat.EventId }.Order(), applied.Select(a => a.EventId).Order());
        Assert.All(applied, a => Assert.Equal((int)ProductChangeKind.Stock, a.Sequence));
        Assert.Equal(1, await ProcessedAsync(app, @event.EventId));
        Assert.Equal(1, await ProcessedAsync(app, repeat.EventId));
    }

    private static Task<int> ProcessedAsync(Infrastructure.KestrelApp app, Guid messageId) =>
        app.QueryAsync(db => db.Set<ProcessedMessage>().CountAsync(p => p.MessageId == messageId));
}
