using System.Diagnostics;
using Commerce.Messaging.Outbox;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Xunit.Abstractions;

namespace Commerce.Tests.Messaging;

/// <summary>
/// A relay leader whose connection to PostgreSQL hangs (a server or network path that stops answering
/// without closing): its reads never return, and the server keeps its session, and with it the relay
/// lock, because nothing tells the server that the client gave up. Found by the chaos drill with two
/// replicas (docs/reliability.md): no event left the outbox for half an hour.
/// </summary>
public sealed class RelayStuckLeaderTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StuckTimeout = TimeSpan.FromSeconds(5);
    private static readonly string Check = OutboxRelay<MessagingTestDb>.HealthCheckName;

    private static Dictionary<string, string?> Limits() => new()
    {
        ["Messaging:Outbox:StuckTimeout"] = StuckTimeout.ToString("c"),
        ["Messaging:Outbox:ReceiveReadyTimeout"] = "00:00:01",
    };

    [Fact]
    public async Task A_standby_takes_over_from_a_leader_whose_connection_hangs_and_publishes_what_waits()
    {
        var servers = await TestServers.GetAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"stuck-leader-{Guid.NewGuid():N}");
        var direct = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("stuckleader"));
        var proxy = TcpProxy.Start(servers.Postgres.Host, servers.Postgres.Port);
        KestrelApp? leader = null;
        KestrelApp? standby = null;
        try
        {
            leader = await MessagingTestApp.StartAsync(MessagingTestApp.Settings(Through(proxy, direct), vhost, Limits()));
            await leader.WaitForBusAsync();
            var first = await leader.ChangePriceAsync(991, 1m);
            await leader.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == first.Event.EventId), TimeSpan.FromSeconds(30));
            standby = await MessagingTestApp.StartAsync(MessagingTestApp.Settings(direct, vhost, Limits()));
            await standby.WaitForBusAsync();

            proxy.Freeze();
            var frozen = Stopwatch.StartNew();
            var waiting = new List<Guid>();
            for (var n = 2; n <= 11; n++)
            {
                waiting.Add((await standby.ChangePriceAsync(991, n)).Event.EventId);
            }

            var stuck = WatchForStuckAsync(leader, TimeSpan.FromSeconds(60));
            await OutboxTests.WaitForAsync(async () => await Unsent(standby) == 0, TimeSpan.FromSeconds(60));
            var drained = frozen.Elapsed;
            var logs = new[] { leader.Deliveries(), standby.Deliveries() };
            await OutboxTests.WaitForAsync(() => Task.FromResult(waiting.All(id => logs.SelectMany(l => l.All).Any(d => d.MessageId == id))), TimeSpan.FromSeconds(30));
            var report = await stuck;
            output.WriteLine($"leader frozen; the standby had published all 10 waiting events after {drained.TotalSeconds:0.0} s; the leader's health said: {report}");
            Assert.Contains("Stuck since", report);
        }
        finally
        {
            await proxy.DisposeAsync();
            await DisposeAsync(standby);
            await DisposeAsync(leader);
        }
    }

    /// <summary>
    /// One replica alone: its leader's connection hangs while the server keeps its session (and the
    /// lock). It must give up that step, end its own session from a new connection and lead again.
    /// </summary>
    [Fact]
    public async Task A_lone_leader_whose_connection_hangs_ends_its_stuck_session_and_relays_again()
    {
        var servers = await TestServers.GetAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"stuck-alone-{Guid.NewGuid():N}");
        var direct = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("stuckalone"));
        var proxy = TcpProxy.Start(servers.Postgres.Host, servers.Postgres.Port);
        KestrelApp? app = null;
        try
        {
            app = await MessagingTestApp.StartAsync(MessagingTestApp.Settings(Through(proxy, direct), vhost, Limits()));
            await app.WaitForBusAsync();
            var first = await app.ChangePriceAsync(992, 1m);
            await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == first.Event.EventId), TimeSpan.FromSeconds(30));

            // Only the connections open now hang: the relay's (holding the lock) and its listener's, and
            // idle pooled ones, which the pool forgets so that the writes below open new ones.
            proxy.FreezeOpenConnections();
            app.App.Services.GetRequiredKeyedService<NpgsqlDataSource>("messagingdb").Clear();
            var frozen = Stopwatch.StartNew();
            var stuck = WatchForStuckAsync(app, TimeSpan.FromSeconds(60));
            var waiting = new List<Guid>();
            for (var n = 2; n <= 6; n++)
            {
                waiting.Add((await app.ChangePriceAsync(992, n)).Event.EventId);
            }

            await app.Deliveries().WaitForAsync(d => waiting.All(id => d.Any(x => x.MessageId == id)), TimeSpan.FromSeconds(60));
            var drained = frozen.Elapsed;
            var report = await stuck;
            output.WriteLine($"relay connection frozen; all 5 waiting events published after {drained.TotalSeconds:0.0} s; its health said: {report}");
            Assert.Contains("Stuck since", report);
            Assert.Equal(0, await Unsent(app));
        }
        finally
        {
            await proxy.DisposeAsync();
            await DisposeAsync(app);
        }
    }

    /// <summary>
    /// Through the proxy, with a short limit on a transaction left idle: a consumer frozen mid-transaction
    /// by the proxy would otherwise hold back the events committed after it for the services' full minute
    /// (RelayHeldBackTests), longer than these tests wait.
    /// </summary>
    private static string Through(TcpProxy proxy, string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1",
            Port = proxy.Port,
            Timeout = 3,
            Options = "-c idle_in_transaction_session_timeout=3000",
        }.ConnectionString;

    private static Task<int> Unsent(KestrelApp app) => app.QueryAsync(db => db.Outbox.CountAsync(m => m.SentAt == null));

    /// <summary>
    /// Runs the relay's health check (as <c>/health</c> does) until it reports the leader stuck; returns what
    /// it said then, or the last thing it said when it never did.
    /// </summary>
    private static async Task<string> WatchForStuckAsync(KestrelApp app, TimeSpan timeout)
    {
        var health = app.App.Services.GetRequiredService<HealthCheckService>();
        var deadline = Stopwatch.StartNew();
        var said = "(nothing)";
        while (deadline.Elapsed < timeout)
        {
            var report = await health.CheckHealthAsync(r => r.Name == Check);
            var entry = report.Entries[Check];
            said = $"{entry.Status}: {entry.Description}";
            if (entry.Status != HealthStatus.Healthy && entry.Description?.Contains("Stuck since", StringComparison.Ordinal) == true)
            {
                return said;
            }

            await Task.Delay(50);
        }

        return said;
    }

    private static async Task DisposeAsync(KestrelApp? app)
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
