using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Orders;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Tests.Ordering;

/// <summary>
/// A read of an order that waits for its status to change (<c>waitWhile</c>), against a real
/// PostgreSQL whose trigger announces the change: the order page's push instead of polling.
/// </summary>
public sealed class OrderStatusWaitTests : IAsyncLifetime
{
    /// <summary>Far longer than a change takes to arrive: a read that ends by the limit did not hear it.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);

    private KestrelApp _ordering = null!;
    private string _database = null!;
    private TestServers _servers = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.GetAsync();
        _database = PostgresServer.UniqueDatabaseName("ordering");
        var settings = await OrderingTestApp.SettingsAsync(_servers, _database, "ordering-wait");
        settings["OrderStatus:MaxWait"] = MaxWait.ToString();
        _ordering = await OrderingTestApp.StartAsync(settings);
        await ListeningAsync();
    }

    public async Task DisposeAsync() => await _ordering.DisposeAsync();

    private OrderStatusChanges Changes => _ordering.App.Services.GetRequiredService<OrderStatusChanges>();

    private async Task ListeningAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!Changes.IsListening)
        {
            Assert.True(DateTime.UtcNow < until, "Ordering never started listening for order status changes (LISTEN order_status).");
            await Task.Delay(50);
        }
    }

    private HttpClient ClientFor(string buyerId)
    {
        var client = _ordering.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(buyerId));
        return client;
    }

    private Task<Order> SeedOrderAsync(string buyerId) => _ordering.SeedOrderAsync(buyerId);

    private async Task CancelLaterAsync(Order order, string buyerId, TimeSpan after)
    {
        await WatchedAsync(order.Id);
        await Task.Delay(after);
        await using var scope = _ordering.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OrderLifecycle>().CancelByBuyerAsync(order.Id, buyerId, CancellationToken.None);
    }

    /// <summary>Until a read waits on the order, so the change comes while it waits.</summary>
    private async Task WatchedAsync(Guid orderId)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (Changes.Watched == 0)
        {
            Assert.True(DateTime.UtcNow < until, $"No read began waiting on order {orderId}.");
            await Task.Delay(10);
        }
    }

    private static async Task<(JsonElement Order, TimeSpan Took)> ReadAsync(HttpClient client, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return (JsonDocument.Parse(body).RootElement.Clone(), watch.Elapsed);
    }

    [Fact]
    public async Task A_waiting_read_answers_with_the_change_when_it_commits()
    {
        var order = await SeedOrderAsync("wait-a");
        using var client = ClientFor("wait-a");

        var read = ReadAsync(client, $"api/orders/{order.Id}?waitWhile=Submitted");
        await CancelLaterAsync(order, "wait-a", TimeSpan.FromMilliseconds(300));
        var (answer, took) = await read;

        Assert.Equal("Cancelled", answer.GetProperty("status").GetString());
        Assert.True(took < MaxWait / 2, $"The read took {took.TotalMilliseconds:0} ms: it ended by the wait limit, not by the change.");
        Assert.Equal(0, Changes.Watched);
    }

    [Fact]
    public async Task A_change_through_a_status_still_waited_on_keeps_the_read_waiting_for_the_next()
    {
        var order = await SeedOrderAsync("wait-b");
        using var client = ClientFor("wait-b");

        var read = ReadAsync(client, $"api/orders/{order.Id}?waitWhile=Submitted,StockReserved");
        await WatchedAsync(order.Id);
        await using (var db = new NpgsqlConnection(_servers.Postgres.ConnectionString(_database)))
        {
            await db.OpenAsync();
            await using var reserve = new NpgsqlCommand("UPDATE orders SET status = 'StockReserved' WHERE id = $1", db);
            reserve.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = order.Id });
            Assert.Equal(1, await reserve.ExecuteNonQueryAsync());
        }

        await Task.Delay(300);
        Assert.False(read.IsCompleted, "The read answered at StockReserved, which it was told to wait through.");
        await CancelLaterAsync(order, "wait-b", TimeSpan.Zero);
        var (answer, _) = await read;
        Assert.Equal("Cancelled", answer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_read_of_an_order_in_another_status_or_of_another_buyers_order_does_not_wait()
    {
        var order = await SeedOrderAsync("wait-c");
        using var mine = ClientFor("wait-c");
        var (answer, took) = await ReadAsync(mine, $"api/orders/{order.Id}?waitWhile=Paid");
        Assert.Equal("Submitted", answer.GetProperty("status").GetString());
        Assert.True(took < MaxWait / 2, $"A read of a Submitted order told to wait while Paid took {took.TotalMilliseconds:0} ms.");

        using var theirs = ClientFor("wait-other");
        var watch = Stopwatch.StartNew();
        using var response = await theirs.GetAsync($"api/orders/{order.Id}?waitWhile=Submitted");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(watch.Elapsed < MaxWait / 2, $"Another buyer's read waited {watch.Elapsed.TotalMilliseconds:0} ms on an order that is not theirs.");
    }

    [Fact]
    public async Task An_unknown_status_to_wait_on_is_400_naming_the_statuses()
    {
        var order = await SeedOrderAsync("wait-d");
        using var client = ClientFor("wait-d");
        using var response = await client.GetAsync($"api/orders/{order.Id}?waitWhile=Delivered");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'Delivered' is not an order status", body);
        Assert.Contains("StockReserved", body);
    }

    [Fact]
    public async Task After_its_connection_is_killed_the_listener_listens_again_and_reads_hear_changes()
    {
        await using (var admin = new NpgsqlConnection(_servers.Postgres.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            // The outbox relay listens on its own channel; only this listener's session goes.
            await using var kill = new NpgsqlCommand(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND query = 'LISTEN {OrderStatusListener.Channel}'", admin);
            kill.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database });
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        // Notice comes with the next statement or wait on the dead connection; then the loop reconnects.
        var until = DateTime.UtcNow.AddSeconds(60);
        while (Changes.IsListening && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        await ListeningAsync();
        var order = await SeedOrderAsync("wait-e");
        using var client = ClientFor("wait-e");
        var read = ReadAsync(client, $"api/orders/{order.Id}?waitWhile=Submitted");
        await CancelLaterAsync(order, "wait-e", TimeSpan.FromMilliseconds(100));
        var (answer, took) = await read;
        Assert.Equal("Cancelled", answer.GetProperty("status").GetString());
        Assert.True(took < MaxWait / 2, $"The read took {took.TotalMilliseconds:0} ms after the listener came back: it did not hear the change.");
    }
}
