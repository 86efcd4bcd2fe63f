using Commerce.Ordering.Domain;
using Commerce.Ordering.Orders;
using Microsoft.Extensions.Options;

namespace Commerce.Tests.Ordering;

/// <summary>The rules of a waiting read, without a database: when it waits, when it stops, what it leaves behind.</summary>
public sealed class OrderStatusChangesTests
{
    private static readonly HashSet<OrderStatus> WhileSubmitted = [OrderStatus.Submitted];

    private static OrderStatusChanges Changes(TimeSpan maxWait) =>
        new(Options.Create(new OrderStatusOptions { MaxWait = maxWait }), TimeProvider.System);

    private static Order Submitted()
    {
        var card = PaymentCard.Parse("4242424242424242", "12/30", "123", "Ada", DateTimeOffset.UtcNow).Card!;
        return Order.Submit(Guid.CreateVersion7(), "buyer", "key", "hash", new ShippingAddress("Ada", "1 Main St", "Springfield", "12345", "US"),
            card.Summary, "token", [new OrderLine(7, "Trail Runner", 89.99m, 1)], "USD", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Without_a_listener_a_read_answers_at_once()
    {
        var changes = Changes(TimeSpan.FromMinutes(5));
        var order = Submitted();
        var reads = 0;
        var read = changes.ReadWhenChangedAsync(order.Id, _ => { reads++; return Task.FromResult<Order?>(order); }, WhileSubmitted, CancellationToken.None);
        Assert.True(read.IsCompleted, "A read waited though no change could be heard.");
        Assert.Same(order, await read);
        Assert.Equal(1, reads);
        Assert.Equal(0, changes.Watched);
    }

    [Fact]
    public async Task A_read_ends_at_the_wait_limit_with_the_status_unchanged_and_leaves_nothing_watched()
    {
        var changes = Changes(TimeSpan.FromMilliseconds(200));
        changes.Listening(true);
        var order = Submitted();
        var reads = 0;
        var answer = await changes.ReadWhenChangedAsync(order.Id, _ => { reads++; return Task.FromResult<Order?>(order); }, WhileSubmitted,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(OrderStatus.Submitted, answer!.Status);
        Assert.Equal(1, reads);
        Assert.Equal(0, changes.Watched);
    }

    [Fact]
    public async Task An_announced_change_wakes_every_read_of_that_order_and_no_other()
    {
        var changes = Changes(TimeSpan.FromMinutes(5));
        changes.Listening(true);
        var order = Submitted();
        var other = Submitted();
        var firstRead = new TaskCompletionSource();
        Task<Order?> Read(Order o) => changes.ReadWhenChangedAsync(o.Id, _ =>
        {
            firstRead.TrySetResult();
            return Task.FromResult<Order?>(o);
        }, WhileSubmitted, CancellationToken.None);

        var a = Read(order);
        var b = Read(order);
        using var stop = new CancellationTokenSource();
        var c = changes.ReadWhenChangedAsync(other.Id, _ => Task.FromResult<Order?>(other), WhileSubmitted, stop.Token);
        await firstRead.Task;
        Assert.Equal(2, changes.Watched);

        // The next read of each sees the order moved on.
        typeof(Order).GetProperty(nameof(Order.Status))!.SetValue(order, OrderStatus.Cancelled);
        changes.Announce(order.Id);
        Assert.Equal(OrderStatus.Cancelled, (await a.WaitAsync(TimeSpan.FromSeconds(30)))!.Status);
        Assert.Equal(OrderStatus.Cancelled, (await b.WaitAsync(TimeSpan.FromSeconds(30)))!.Status);
        Assert.False(c.IsCompleted, "A change of one order woke a read of another.");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c);
        Assert.Equal(0, changes.Watched);
    }

    [Fact]
    public async Task Losing_the_listener_wakes_waiting_reads_so_they_answer_instead_of_hanging()
    {
        var changes = Changes(TimeSpan.FromMinutes(5));
        changes.Listening(true);
        var order = Submitted();
        var read = changes.ReadWhenChangedAsync(order.Id, _ => Task.FromResult<Order?>(order), WhileSubmitted, CancellationToken.None);
        Assert.False(read.IsCompleted);

        changes.Listening(false);
        Assert.Equal(OrderStatus.Submitted, (await read.WaitAsync(TimeSpan.FromSeconds(30)))!.Status);
        Assert.Equal(0, changes.Watched);
    }
}
