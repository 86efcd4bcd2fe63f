using Commerce.Messaging.Outbox;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Commerce.Tests.Messaging;

public sealed class RelayOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task The_relay_keeps_trying_through_a_database_outage_longer_than_its_backoff_cap_says_so_in_health_and_recovers()
    {
        var servers = await TestServers.GetAsync();
        await using var postgres = await PostgresServer.StartAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"relay-outage-{Guid.NewGuid():N}");
        var settings = MessagingTestApp.Settings(postgres.ConnectionString("relayoutage") + ";Timeout=2", vhost, new Dictionary<string, string?>
        {
            ["Messaging:Outbox:RetryMinDelay"] = "00:00:00.050",
            ["Messaging:Outbox:RetryMaxDelay"] = BackoffCap.ToString("c"),
        });
        await using var app = await MessagingTestApp.StartAsync(settings);
        await app.WaitForBusAsync();
        var stopping = app.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var check = OutboxRelay<MessagingTestDb>.HealthCheckName;
        using var client = app.CreateClient();
        var before = await app.ChangePriceAsync(960, 1m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == before.Event.EventId), TimeSpan.FromSeconds(30));
        await HealthProbe.WaitForAsync(client, check, "Healthy");

        await postgres.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        var later = await HealthProbe.AssertLoopKeepsTryingAsync(client, check, BackoffCap, stopping);

        await postgres.RestartAsync();
        var healthy = await HealthProbe.WaitForAsync(client, check, "Healthy");
        output.WriteLine($"outage {outage.Elapsed.TotalSeconds:0.0} s; {HealthProbe.ConsecutiveFailures(later)} failed passes seen; then {healthy}");
        var after = await app.ChangePriceAsync(960, 2m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == after.Event.EventId), TimeSpan.FromSeconds(30));
        Assert.False(stopping.IsCancellationRequested);
    }

    /// <summary>
    /// The listener's and the relay's sessions killed by the server again and again (as a failover or
    /// an administrator would), for longer than the back-off cap: each time the relay starts its
    /// leadership and its listener over, and once the killing stops it relays again.
    /// </summary>
    [Fact]
    public async Task The_relay_and_its_listener_survive_their_sessions_being_killed_repeatedly_and_recover()
    {
        var servers = await TestServers.GetAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"relay-killed-{Guid.NewGuid():N}");
        var database = PostgresServer.UniqueDatabaseName("relaykilled");
        var settings = MessagingTestApp.Settings(servers.Postgres.ConnectionString(database), vhost, new Dictionary<string, string?>
        {
            ["Messaging:Outbox:RetryMinDelay"] = "00:00:00.050",
            ["Messaging:Outbox:RetryMaxDelay"] = BackoffCap.ToString("c"),
        });
        await using var app = await MessagingTestApp.StartAsync(settings);
        await app.WaitForBusAsync();
        var stopping = app.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var check = OutboxRelay<MessagingTestDb>.HealthCheckName;
        using var client = app.CreateClient();
        var before = await app.ChangePriceAsync(970, 1m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == before.Event.EventId), TimeSpan.FromSeconds(30));

        await using var admin = new Npgsql.NpgsqlConnection(servers.Postgres.ConnectionString("postgres"));
        await admin.OpenAsync();
        using var stopKilling = new CancellationTokenSource();
        var killed = 0;
        var killer = Task.Run(async () =>
        {
            while (!stopKilling.IsCancellationRequested)
            {
                await using var kill = new Npgsql.NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
                kill.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = database });
                killed += (int)(long)(await kill.ExecuteScalarAsync())!;
                await Task.Delay(20);
            }
        });

        try
        {
            await HealthProbe.AssertLoopKeepsTryingAsync(client, check, BackoffCap, stopping);
        }
        finally
        {
            await stopKilling.CancelAsync();
            await killer;
        }

        await HealthProbe.WaitForAsync(client, check, "Healthy");
        var after = await ChangePriceAfterKillsAsync(app, 970, 2m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == after.Event.EventId), TimeSpan.FromSeconds(30));
        output.WriteLine($"{killed} sessions killed; the relay recovered and delivered the next event");
        Assert.False(stopping.IsCancellationRequested);
    }

    /// <summary>A pooled connection the server killed fails once on its next use; the write is simply tried again.</summary>
    private static async Task<ProductPriceChangedSaved> ChangePriceAfterKillsAsync(Infrastructure.KestrelApp app, int productId, decimal price)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await app.ChangePriceAsync(productId, price);
            }
            catch (Exception ex) when (attempt < 5 && ex is Npgsql.NpgsqlException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                await Task.Delay(100);
            }
        }
    }
}
