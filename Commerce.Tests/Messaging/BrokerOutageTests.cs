using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Messaging.Outbox;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Commerce.Tests.Messaging;

public sealed class BrokerOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Changes_saved_while_the_broker_is_down_all_arrive_once_and_in_order_after_it_returns()
    {
        var servers = await TestServers.GetAsync();
        await using var rabbit = await RabbitMqServer.StartAsync();
        var settings = MessagingTestApp.Settings(servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("outage")), rabbit.ConnectionString());
        await using var app = await MessagingTestApp.StartAsync(settings);
        await app.WaitForBusAsync();
        var before = await app.ChangePriceAsync(700, 0.5m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == before.Event.EventId), TimeSpan.FromSeconds(30));
        await OutboxTests.WaitForAsync(async () => await app.QueryAsync(db => db.Outbox.AllAsync(m => m.SentAt != null)));

        await rabbit.StopAsync();
        int[] products = [701, 702, 703];
        const int changes = 10;
        await Task.WhenAll(products.Select(async id =>
        {
            for (var n = 1; n <= changes; n++)
            {
                await app.ChangePriceAsync(id, n); // accepted: only the database is needed
            }
        }));

        // The service stays up and says what is missing, rather than dropping out of the load balancer.
        using var client = app.CreateClient();
        var health = await WaitForMessagingStatusAsync(client, "Degraded");
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var relay = await HealthProbe.WaitForAsync(client, OutboxRelay<MessagingTestDb>.HealthCheckName, "Degraded");
        Assert.Contains("broker", relay.GetProperty("description").GetString(), StringComparison.OrdinalIgnoreCase);
        await Task.Delay(TimeSpan.FromSeconds(3)); // several failed relay rounds
        Assert.Equal(products.Length * changes, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.SentAt == null)));
        Assert.DoesNotContain(app.Deliveries().All, d => d.AggregateId != "product:700");

        var outage = System.Diagnostics.Stopwatch.StartNew();
        await rabbit.RestartAsync();
        var restarted = outage.Elapsed;
        var deliveries = await app.Deliveries().WaitForAsync(d => d.Count(x => x.AggregateId != "product:700") >= products.Length * changes, TimeSpan.FromSeconds(90));
        output.WriteLine($"broker back after {restarted.TotalSeconds:0.0} s; all {products.Length * changes} events delivered {outage.Elapsed.TotalSeconds:0.0} s after the restart began");
        await OutboxTests.WaitForAsync(async () => (await app.AppliedAsync(nameof(PriceChangedProjection))).Count(a => a.AggregateId != "product:700") == products.Length * changes, TimeSpan.FromSeconds(60));
        await Task.Delay(500);

        // Delivery is at least once: a publish whose confirm was lost in the outage goes out again.
        // What must hold is that each event arrives, first in order, and is applied exactly once.
        deliveries = [.. app.Deliveries().All.Where(x => x.AggregateId != "product:700")];
        var firstArrivals = deliveries.DistinctBy(d => d.MessageId).ToList();
        output.WriteLine($"{deliveries.Count - firstArrivals.Count} redeliveries seen by the plain consumer");
        Assert.Equal(products.Length * changes, firstArrivals.Count);
        var applied = (await app.AppliedAsync(nameof(PriceChangedProjection))).Where(a => a.AggregateId != "product:700").ToList();
        Assert.Equal(products.Length * changes, applied.Count);
        Assert.Equal(applied.Count, applied.Select(a => a.EventId).Distinct().Count());
        foreach (var id in products)
        {
            var expected = Enumerable.Range(1, changes).Select(n => (decimal)n);
            Assert.Equal(expected, firstArrivals.Where(d => d.AggregateId == $"product:{id}").Select(d => d.Sequence));
            Assert.Equal(expected, applied.Where(a => a.AggregateId == $"product:{id}").Select(a => a.Sequence));
        }

        Assert.Equal(0, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.SentAt == null)));
        await WaitForMessagingStatusAsync(client, "Healthy");
        await HealthProbe.WaitForAsync(client, OutboxRelay<MessagingTestDb>.HealthCheckName, "Healthy");
    }

    private static async Task<JsonElement> WaitForMessagingStatusAsync(HttpClient client, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement body;
        do
        {
            var response = await client.GetAsync("health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("checks").GetProperty("messaging").GetProperty("status").GetString() == status)
            {
                return body;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"The messaging health check did not turn {status}: {body}");
        return body;
    }
}
