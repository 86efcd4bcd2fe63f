using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Tests.Messaging;

public sealed class RelayReplicaTests
{
    [Fact]
    public async Task Two_replicas_publish_each_event_once_and_one_takes_over_when_the_other_stops()
    {
        var servers = await TestServers.GetAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"replicas-{Guid.NewGuid():N}");
        var settings = MessagingTestApp.Settings(servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("replicas")), vhost);
        var first = await MessagingTestApp.StartAsync(settings);
        await using var second = await MessagingTestApp.StartAsync(settings);
        await first.WaitForBusAsync();
        await second.WaitForBusAsync();
        var logs = new[] { first.Deliveries(), second.Deliveries() };

        try
        {
            // Writes through both replicas; their consumers compete for the same queues.
            await Task.WhenAll(
                Task.Run(async () => { for (var n = 1; n <= 20; n++) { await first.ChangePriceAsync(801, n); } }),
                Task.Run(async () => { for (var n = 1; n <= 20; n++) { await second.ChangePriceAsync(802, n); } }));
            await OutboxTests.WaitForAsync(() => Task.FromResult(Delivered(logs).Count >= 40));
        }
        finally
        {
            await first.DisposeAsync();
        }

        for (var n = 21; n <= 30; n++)
        {
            await second.ChangePriceAsync(801, n);
        }

        await OutboxTests.WaitForAsync(async () => (await second.AppliedAsync(nameof(PriceChangedProjection))).Count >= 50);
        await Task.Delay(500);

        // Delivery is at least once: the replica that stopped may have published events it had
        // not yet marked sent (as many as its last batch), and the survivor sends them again. What
        // must hold is that every event arrives, none more than twice, what was written after the
        // handover exactly once, each is applied once, and order per product holds.
        var all = Delivered(logs);
        Assert.Equal(50, all.Select(d => d.MessageId).Distinct().Count());
        Assert.All(all.GroupBy(d => d.MessageId), copies => Assert.InRange(copies.Count(), 1, 2));
        Assert.All(all.Where(d => d.AggregateId == "product:801" && d.Sequence > 20).GroupBy(d => d.MessageId),
            copies => Assert.Single(copies));
        var applied = await second.AppliedAsync(nameof(PriceChangedProjection));
        Assert.Equal(50, applied.Count);
        Assert.Equal(50, applied.Select(a => a.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 30).Select(n => (decimal)n), all.Where(d => d.AggregateId == "product:801").DistinctBy(d => d.MessageId).Select(d => d.Sequence).Order());
        Assert.Equal(0, await second.QueryAsync(db => db.Outbox.CountAsync(m => m.SentAt == null)));
    }

    private static List<Delivery> Delivered(DeliveryLog[] logs) => [.. logs.SelectMany(l => l.All)];
}
