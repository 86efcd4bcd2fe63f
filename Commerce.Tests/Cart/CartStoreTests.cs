using Commerce.Cart;
using Commerce.Cart.Contracts;
using Commerce.Cart.Domain;
using Commerce.Cart.Storage;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Commerce.Tests.Cart;

/// <summary>The Redis store against the run's real Redis, in a key space of its own.</summary>
public sealed class CartStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CartOptions _options = new() { KeyPrefix = $"test-{Guid.NewGuid():N}:cart:" };
    private ConnectionMultiplexer _redis = null!;
    private CartStore _store = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        _store = new CartStore(_redis, Options.Create(_options), NullLogger<CartStore>.Instance);
    }

    public Task DisposeAsync()
    {
        _redis.Dispose();
        return Task.CompletedTask;
    }

    private static string NewBuyer() => $"buyer-{Guid.NewGuid():N}";

    private static CartLine Line(int id, int quantity, decimal price = 9.99m, int minute = 0) =>
        new(id, quantity, price, price, "EUR", $"Product {id} «ü»", T0.AddMinutes(minute));

    private IDatabase Db => _redis.GetDatabase();

    [Fact]
    public async Task Lines_are_added_changed_removed_and_cleared()
    {
        var buyer = NewBuyer();
        Assert.Equal(SetLineOutcome.Added, await _store.SetLineAsync(buyer, Line(1, 2, 1234567.89m), 100, default));
        Assert.Equal(SetLineOutcome.Added, await _store.SetLineAsync(buyer, Line(2, 1, 0.1m, minute: 1), 100, default));

        var lines = (await _store.ReadAsync(buyer, default)).OrderBy(l => l.ProductId).ToList();
        Assert.Equal([Line(1, 2, 1234567.89m), Line(2, 1, 0.1m, minute: 1)], lines);

        // A change keeps the moment the line was first added.
        Assert.Equal(SetLineOutcome.Updated, await _store.SetLineAsync(buyer, Line(1, 5, 3m, minute: 30), 100, default));
        var changed = (await _store.ReadAsync(buyer, default)).Single(l => l.ProductId == 1);
        Assert.Equal(5, changed.Quantity);
        Assert.Equal(3m, changed.PriceSeen);
        Assert.Equal(T0, changed.AddedAt);

        Assert.True(await _store.RemoveLineAsync(buyer, 1, default));
        Assert.False(await _store.RemoveLineAsync(buyer, 1, default));
        Assert.Equal([2], (await _store.ReadAsync(buyer, default)).Select(l => l.ProductId));

        Assert.True(await _store.ClearAsync(buyer, default));
        Assert.Empty(await _store.ReadAsync(buyer, default));
        Assert.False(await Db.KeyExistsAsync(_store.KeyFor(buyer)));
    }

    [Fact]
    public async Task Fifty_concurrent_writers_to_one_cart_lose_no_line()
    {
        var buyer = NewBuyer();
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(1, 50)
            .Select(id => Task.Run(async () =>
            {
                start.Wait();
                return await _store.SetLineAsync(buyer, Line(id, id % 5 + 1, id), 100, default);
            }))
            .ToList();
        start.Set();
        var outcomes = await Task.WhenAll(writers);

        Assert.All(outcomes, o => Assert.Equal(SetLineOutcome.Added, o));
        var lines = await _store.ReadAsync(buyer, default);
        Assert.Equal(Enumerable.Range(1, 50), lines.Select(l => l.ProductId).Order());
        Assert.All(lines, l => Assert.Equal(l.ProductId % 5 + 1, l.Quantity));
    }

    [Fact]
    public async Task The_line_limit_holds_under_concurrency()
    {
        var buyer = NewBuyer();
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 30).Select(id => _store.SetLineAsync(buyer, Line(id, 1), 20, default)));

        Assert.Equal(20, outcomes.Count(o => o == SetLineOutcome.Added));
        Assert.Equal(10, outcomes.Count(o => o == SetLineOutcome.CartFull));
        Assert.Equal(20, (await _store.ReadAsync(buyer, default)).Count);

        // A full cart still lets an existing line change.
        var kept = (await _store.ReadAsync(buyer, default)).First();
        Assert.Equal(SetLineOutcome.Updated, await _store.SetLineAsync(buyer, kept with { Quantity = 7 }, 20, default));
    }

    [Fact]
    public async Task Expiry_is_set_on_write_and_pushed_back_by_every_use()
    {
        var buyer = NewBuyer();
        var key = _store.KeyFor(buyer);
        await _store.SetLineAsync(buyer, Line(1, 1), 100, default);
        AssertAboutThirtyDays(await Db.KeyTimeToLiveAsync(key));

        // As if the cart had last been used long ago: a read brings it back to the full 30 days.
        await Db.KeyExpireAsync(key, TimeSpan.FromHours(1));
        await _store.ReadAsync(buyer, default);
        AssertAboutThirtyDays(await Db.KeyTimeToLiveAsync(key));

        await Db.KeyExpireAsync(key, TimeSpan.FromHours(1));
        await _store.SetLineAsync(buyer, Line(2, 1), 100, default);
        AssertAboutThirtyDays(await Db.KeyTimeToLiveAsync(key));

        await Db.KeyExpireAsync(key, TimeSpan.FromHours(1));
        await _store.RemoveLineAsync(buyer, 2, default);
        AssertAboutThirtyDays(await Db.KeyTimeToLiveAsync(key));
    }

    private static void AssertAboutThirtyDays(TimeSpan? ttl)
    {
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task Clearing_for_an_order_happens_once_per_order()
    {
        var buyer = NewBuyer();
        await _store.SetLineAsync(buyer, Line(1, 1), 100, default);
        await _store.SetLineAsync(buyer, Line(2, 1), 100, default);
        var orderId = Guid.NewGuid().ToString();

        Assert.True(await _store.ClearForOrderAsync(buyer, orderId, [], default));
        Assert.Empty(await _store.ReadAsync(buyer, default));

        // The buyer starts a new cart; a redelivered event for the same order must not empty it.
        await _store.SetLineAsync(buyer, Line(3, 1), 100, default);
        Assert.False(await _store.ClearForOrderAsync(buyer, orderId, [], default));
        Assert.Equal([3], (await _store.ReadAsync(buyer, default)).Select(l => l.ProductId));
    }

    [Fact]
    public async Task Clearing_for_an_order_with_its_products_removes_only_those()
    {
        var buyer = NewBuyer();
        foreach (var id in new[] { 1, 2, 3 })
        {
            await _store.SetLineAsync(buyer, Line(id, 1), 100, default);
        }

        Assert.True(await _store.ClearForOrderAsync(buyer, "order-1-" + buyer, [1, 3], default));
        Assert.Equal([2], (await _store.ReadAsync(buyer, default)).Select(l => l.ProductId));
    }

    [Fact]
    public async Task Remembered_prices_update_lines_that_are_still_there_only()
    {
        var buyer = NewBuyer();
        await _store.SetLineAsync(buyer, Line(1, 1, 10m), 100, default);

        await _store.RememberPricesAsync(buyer, [(1, 12.34m), (2, 5m)], default);

        var line = Assert.Single(await _store.ReadAsync(buyer, default));
        Assert.Equal(12.34m, line.LastKnownPrice);
        Assert.Equal(10m, line.PriceSeen);
        Assert.Equal(T0, line.AddedAt);
    }

    [Fact]
    public async Task Merge_moves_the_anonymous_cart_into_the_buyers_and_removes_it()
    {
        var anonymous = NewBuyer();
        var buyer = NewBuyer();
        await _store.SetLineAsync(anonymous, Line(1, 98), 100, default);
        await _store.SetLineAsync(anonymous, Line(2, 1), 100, default);
        await _store.SetLineAsync(buyer, Line(1, 5, 7m), 100, default);

        var result = await _store.MergeAsync(anonymous, buyer, new CartLimits(100, 99), default);

        Assert.Equal(CartWarningCodes.QuantityCapped, Assert.Single(result.Warnings).Code);
        var lines = (await _store.ReadAsync(buyer, default)).ToDictionary(l => l.ProductId);
        Assert.Equal(99, lines[1].Quantity);
        Assert.Equal(7m, lines[1].PriceSeen);
        Assert.Equal(1, lines[2].Quantity);
        Assert.False(await Db.KeyExistsAsync(_store.KeyFor(anonymous)));
        AssertAboutThirtyDays(await Db.KeyTimeToLiveAsync(_store.KeyFor(buyer)));

        // Merging again (a retried sign-in) finds nothing left to move.
        var again = await _store.MergeAsync(anonymous, buyer, new CartLimits(100, 99), default);
        Assert.Empty(again.Upserts);
        Assert.Equal(99, (await _store.ReadAsync(buyer, default)).Single(l => l.ProductId == 1).Quantity);
    }

    [Fact]
    public async Task Merge_racing_with_writers_loses_nothing()
    {
        var anonymous = NewBuyer();
        var buyer = NewBuyer();
        foreach (var id in Enumerable.Range(1, 20))
        {
            await _store.SetLineAsync(anonymous, Line(id, 1), 100, default);
        }

        var writers = Enumerable.Range(101, 20).Select(id => _store.SetLineAsync(buyer, Line(id, 1), 100, default)).ToList();
        var merge = _store.MergeAsync(anonymous, buyer, new CartLimits(100, 99), default);
        await Task.WhenAll([.. writers, merge]);

        var ids = (await _store.ReadAsync(buyer, default)).Select(l => l.ProductId).Order().ToList();
        Assert.Equal([.. Enumerable.Range(1, 20), .. Enumerable.Range(101, 20)], ids);
        Assert.False(await Db.KeyExistsAsync(_store.KeyFor(anonymous)));
    }

    [Fact]
    public async Task A_damaged_line_does_not_make_the_cart_unreadable()
    {
        var buyer = NewBuyer();
        await _store.SetLineAsync(buyer, Line(1, 1), 100, default);
        await Db.HashSetAsync(_store.KeyFor(buyer), "2", "not json");
        await Db.HashSetAsync(_store.KeyFor(buyer), "not-a-product", "{}");

        Assert.Equal([1], (await _store.ReadAsync(buyer, default)).Select(l => l.ProductId));
    }

    [Fact]
    public async Task Buyers_carts_are_separate_keys()
    {
        var a = NewBuyer();
        var b = NewBuyer();
        await _store.SetLineAsync(a, Line(1, 1), 100, default);
        await _store.SetLineAsync(b, Line(2, 3), 100, default);

        Assert.Equal([1], (await _store.ReadAsync(a, default)).Select(l => l.ProductId));
        Assert.Equal([2], (await _store.ReadAsync(b, default)).Select(l => l.ProductId));
        Assert.StartsWith(_options.KeyPrefix, (string?)_store.KeyFor(a));
    }
}
