using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Commerce.Tests.Messaging;

public sealed class RelayHeldBackTests(ITestOutputHelper output)
{
    /// <summary>
    /// A row committed while an older transaction runs stays unreadable until that one ends, and its
    /// end sends no notification: the relay looks again after a growing wait. That wait once doubled
    /// without a bound and overflowed TimeSpan after about 50 rounds (some 11 s), which stopped the host.
    /// </summary>
    [Fact]
    public async Task Rows_held_back_by_an_open_transaction_for_many_rounds_leave_once_it_ends_and_the_host_stays_up()
    {
        var servers = await TestServers.GetAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"heldback-{Guid.NewGuid():N}");
        var database = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("heldback"));
        await using var app = await MessagingTestApp.StartAsync(MessagingTestApp.Settings(database, vhost));
        await app.WaitForBusAsync();
        var stopping = app.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await using var older = new NpgsqlConnection(database);
        await older.OpenAsync();
        await using var transaction = await older.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT pg_current_xact_id()", older, transaction))
        {
            await command.ExecuteScalarAsync(); // gives it a transaction id, which holds the snapshot's xmin back
        }

        var saved = await app.ChangePriceAsync(901, 1m);
        var held = System.Diagnostics.Stopwatch.StartNew();
        while (held.Elapsed < TimeSpan.FromSeconds(16) && !stopping.IsCancellationRequested)
        {
            await Task.Delay(250);
        }

        Assert.False(stopping.IsCancellationRequested, $"The host began stopping {held.Elapsed.TotalSeconds:0.0} s into the hold.");
        Assert.DoesNotContain(app.Deliveries().All, d => d.MessageId == saved.Event.EventId);

        await transaction.CommitAsync();
        var released = System.Diagnostics.Stopwatch.StartNew();
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == saved.Event.EventId), TimeSpan.FromSeconds(10));
        output.WriteLine($"held back {held.Elapsed.TotalSeconds:0.0} s; delivered {released.ElapsedMilliseconds} ms after the older transaction ended");
        Assert.False(stopping.IsCancellationRequested);
    }

    /// <summary>
    /// A session of the service that stops in the middle of a transaction (its process frozen, its
    /// connection half-open) would hold back every event committed after it for ever. PostgreSQL ends
    /// such a session once it has sat idle in its transaction for the services' limit
    /// (<see cref="Commerce.Data.PostgresExtensions.IdleInTransactionTimeout"/>, 2 s here), and the
    /// events behind it leave. Found by the stuck-leader test: a consumer frozen mid-transaction held
    /// the relay's events back past the test's minute.
    /// </summary>
    [Fact]
    public async Task A_transaction_its_client_left_open_is_ended_by_the_server_and_the_events_behind_it_leave()
    {
        var servers = await TestServers.GetAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"heldopen-{Guid.NewGuid():N}");
        var database = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("heldopen"))
            + ";Options=-c idle_in_transaction_session_timeout=2000";
        await using var app = await MessagingTestApp.StartAsync(MessagingTestApp.Settings(database, vhost));
        await app.WaitForBusAsync();

        // A connection of the service's own pool, left inside its transaction by a client that went quiet.
        await using var left = await app.App.Services.GetRequiredKeyedService<NpgsqlDataSource>("messagingdb").OpenConnectionAsync();
        var transaction = await left.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT pg_current_xact_id()", left, transaction))
        {
            await command.ExecuteScalarAsync();
        }

        var saved = await app.ChangePriceAsync(902, 1m);
        var held = System.Diagnostics.Stopwatch.StartNew();
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == saved.Event.EventId), TimeSpan.FromSeconds(30));
        output.WriteLine($"the event left {held.Elapsed.TotalSeconds:0.0} s after it was committed behind a transaction left open");
        Assert.True(held.Elapsed > TimeSpan.FromSeconds(1), $"The event left after {held.Elapsed.TotalSeconds:0.0} s: the open transaction did not hold it back, so this test shows nothing.");

        await using var next = new NpgsqlCommand("SELECT 1", left, transaction);
        await Assert.ThrowsAnyAsync<Exception>(() => next.ExecuteScalarAsync());
    }
}
