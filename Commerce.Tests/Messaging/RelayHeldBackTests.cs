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
}
