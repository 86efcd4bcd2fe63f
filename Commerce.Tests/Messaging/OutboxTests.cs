using System.Diagnostics;
using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Commerce.Tests.Messaging;

public sealed class OutboxTests(MessagingFixture fixture, ITestOutputHelper output) : IClassFixture<MessagingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_event_saved_with_its_change_is_published_once_and_consumed()
    {
        var app = fixture.App;
        var saved = await app.ChangePriceAsync(101, 12.50m);

        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == saved.Event.EventId), Timeout);
        await WaitForAsync(async () => (await app.AppliedAsync(nameof(PriceChangedProjection))).Any(a => a.EventId == saved.Event.EventId));
        await Task.Delay(500); // room for a duplicate to show up

        Assert.Single(app.Deliveries().All, d => d.MessageId == saved.Event.EventId);
        var applied = Assert.Single(await app.AppliedAsync(nameof(PriceChangedProjection)), a => a.EventId == saved.Event.EventId);
        Assert.Equal("product:101", applied.AggregateId);
        Assert.Equal(12.50m, applied.Sequence);
        var row = await app.QueryAsync(db => db.Outbox.SingleAsync(m => m.MessageId == saved.Event.EventId));
        Assert.NotNull(row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(12.50m, await app.QueryAsync(db => db.Products.Where(p => p.Id == 101).Select(p => p.Price).SingleAsync()));
    }

    [Fact]
    public async Task A_rolled_back_change_publishes_nothing()
    {
        var app = fixture.App;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Products.Add(new TestProduct { Id = 201, Price = 5m });
            db.AddOutboxMessage("product:201", new Contracts.ProductPriceChanged(201, 0m, 5m, "EUR"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        // A save that fails (the product exists already) takes its event down with it.
        await app.ChangePriceAsync(202, 1m);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();
            db.Products.Add(new TestProduct { Id = 202, Price = 9m });
            db.AddOutboxMessage("product:202", new Contracts.ProductPriceChanged(202, 1m, 9m, "EUR"));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        // A later committed event arriving shows the relay has been past where the others would be.
        var later = await app.ChangePriceAsync(203, 3m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == later.Event.EventId), Timeout);
        await Task.Delay(300);

        Assert.DoesNotContain(app.Deliveries().All, d => d.AggregateId == "product:201");
        Assert.DoesNotContain(app.Deliveries().All, d => d.AggregateId == "product:202" && d.Sequence == 9m);
        Assert.Equal(0, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.AggregateId == "product:201")));
        Assert.Equal(1, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.AggregateId == "product:202")));
        Assert.False(await app.QueryAsync(db => db.Products.AnyAsync(p => p.Id == 201)));
    }

    [Fact]
    public async Task Events_keep_their_order_per_aggregate_with_concurrent_writers()
    {
        var app = fixture.App;
        int[] products = [301, 302, 303, 304, 305, 306, 307, 308];
        const int changes = 25;
        await Task.WhenAll(products.Select(async id =>
        {
            for (var n = 1; n <= changes; n++)
            {
                await app.ChangePriceAsync(id, n);
            }
        }));

        var deliveries = await app.Deliveries().WaitForAsync(
            d => d.Count(x => products.Contains(ProductOf(x))) >= products.Length * changes, Timeout);
        await Task.Delay(300);
        deliveries = [.. app.Deliveries().All.Where(x => products.Contains(ProductOf(x)))];

        Assert.Equal(products.Length * changes, deliveries.Count);
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.MessageId).Distinct().Count());
        foreach (var id in products)
        {
            Assert.Equal(Enumerable.Range(1, changes).Select(n => (decimal)n), deliveries.Where(d => ProductOf(d) == id).Select(d => d.Sequence));
        }
    }

    [Fact]
    public async Task Outbox_publish_latency_figures()
    {
        var app = fixture.App;
        const int sequential = 100;
        var latencies = new List<double>();
        for (var i = 0; i < sequential; i++)
        {
            var saved = await app.ChangePriceAsync(401, i + 1);
            var delivery = (await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == saved.Event.EventId), Timeout))
                .Single(x => x.MessageId == saved.Event.EventId);
            latencies.Add(Stopwatch.GetElapsedTime(saved.CommittedAt, delivery.Timestamp).TotalMilliseconds);
        }

        const int burst = 500;
        var started = Stopwatch.GetTimestamp();
        var burstSaved = new System.Collections.Concurrent.ConcurrentBag<ProductPriceChangedSaved>();
        await Parallel.ForEachAsync(Enumerable.Range(0, burst), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => burstSaved.Add(await app.ChangePriceAsync(1000 + i, 1m)));
        var savedIn = Stopwatch.GetElapsedTime(started);
        var ids = burstSaved.Select(s => s.Event.EventId).ToHashSet();
        // Delivery is at least once: a confirm that comes later than PublishTimeout on a busy machine
        // sends the event again, so count events, not deliveries.
        var delivered = await app.Deliveries().WaitForAsync(d => d.Where(x => ids.Contains(x.MessageId)).Select(x => x.MessageId).Distinct().Count() >= burst, TimeSpan.FromSeconds(60));
        var lastDelivery = delivered.Where(x => ids.Contains(x.MessageId)).Max(x => x.Timestamp);
        var drainedIn = Stopwatch.GetElapsedTime(started, lastDelivery);
        var burstLatency = burstSaved.Select(s => Stopwatch.GetElapsedTime(s.CommittedAt, delivered.First(d => d.MessageId == s.Event.EventId).Timestamp).TotalMilliseconds).ToList();

        // The relay's own share: commit (row created) to the broker's confirm (row marked sent). A
        // consumer can see an event before the relay has marked its row, so wait for the marks.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await app.QueryAsync(db => db.Outbox.CountAsync(m => ids.Contains(m.MessageId) && m.SentAt == null)) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var rows = await app.QueryAsync(db => db.Outbox.Where(m => ids.Contains(m.MessageId)).Select(m => new { m.CreatedAt, m.SentAt }).ToListAsync());
        Assert.All(rows, r => Assert.NotNull(r.SentAt));
        var relayDelay = rows.Select(r => (r.SentAt!.Value - r.CreatedAt).TotalMilliseconds).ToList();
        var relayedIn = rows.Max(r => r.SentAt!.Value) - rows.Min(r => r.CreatedAt);

        Assert.Equal(sequential, latencies.Count);
        var burstDeliveries = delivered.Count(x => ids.Contains(x.MessageId));
        Assert.Equal(burst, delivered.Where(x => ids.Contains(x.MessageId)).Select(x => x.MessageId).Distinct().Count());
        output.WriteLine($"burst deliveries: {burstDeliveries} for {burst} events ({burstDeliveries - burst} sent again after a late confirm)");
        output.WriteLine($"commit -> consumer, one at a time ({sequential} events): p50 {Percentile(latencies, 50):0.0} ms, p95 {Percentile(latencies, 95):0.0} ms, max {latencies.Max():0.0} ms");
        output.WriteLine($"burst of {burst} saves by 16 writers: saved in {savedIn.TotalMilliseconds:0} ms, all consumed {drainedIn.TotalMilliseconds:0} ms after the first save ({burst / drainedIn.TotalSeconds:0} events/s); commit -> consumer p50 {Percentile(burstLatency, 50):0.0} ms, p95 {Percentile(burstLatency, 95):0.0} ms, max {burstLatency.Max():0.0} ms");
        output.WriteLine($"relay alone in the burst: all {burst} confirmed by the broker {relayedIn.TotalMilliseconds:0} ms after the first commit; commit -> confirm p50 {Percentile(relayDelay, 50):0.0} ms, p95 {Percentile(relayDelay, 95):0.0} ms");
        output.WriteLine("(consumers run with PrefetchCount=1 in these tests so that arrival order is observable; that, not the relay, bounds the burst's consume rate)");
    }

    private static int ProductOf(Delivery d) => int.Parse(d.AggregateId["product:".Length..]);

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < (timeout ?? Timeout), "Timed out waiting for the condition.");
            await Task.Delay(25);
        }
    }
}
