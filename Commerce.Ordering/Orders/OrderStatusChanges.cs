using Commerce.Ordering.Domain;
using Microsoft.Extensions.Options;

namespace Commerce.Ordering.Orders;

public sealed class OrderStatusOptions
{
    public const string SectionName = "OrderStatus";

    /// <summary>
    /// How long a read of one order may wait for its status to change. Below the five-second attempt
    /// timeout of the services' HTTP clients, so the storefront's call waits rather than retries.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Lets a read of an order wait until its status changes, instead of the buyer's page asking again
/// and again. <see cref="OrderStatusListener"/> announces each change PostgreSQL reports (from any
/// replica); while it cannot listen, reads do not wait and the page's own back-off takes over.
/// </summary>
public sealed class OrderStatusChanges(IOptions<OrderStatusOptions> options, TimeProvider clock)
{
    private sealed class Change
    {
        public TaskCompletionSource Heard { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Readers { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Change> _changes = [];
    private volatile bool _listening;

    /// <summary>True while changes are heard; reads wait only then.</summary>
    public bool IsListening => _listening;

    /// <summary>Orders with a read waiting on them.</summary>
    public int Watched
    {
        get
        {
            lock (_gate)
            {
                return _changes.Count;
            }
        }
    }

    public void Listening(bool listening)
    {
        _listening = listening;
        // Changes made while nobody listened, or that nobody will hear now: every waiting read looks again.
        List<Change> all;
        lock (_gate)
        {
            all = [.. _changes.Values];
            _changes.Clear();
        }

        all.ForEach(c => c.Heard.TrySetResult());
    }

    public void Announce(Guid orderId)
    {
        Change? change;
        lock (_gate)
        {
            _changes.Remove(orderId, out change);
        }

        change?.Heard.TrySetResult();
    }

    /// <summary>
    /// Reads order <paramref name="orderId"/> until its status is none of <paramref name="waitWhile"/>,
    /// the wait is over, or changes cannot be heard; returns the last read (null when there is no such order).
    /// </summary>
    public async Task<Order?> ReadWhenChangedAsync(Guid orderId, Func<CancellationToken, Task<Order?>> read,
        IReadOnlySet<OrderStatus> waitWhile, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + options.Value.MaxWait;
        while (true)
        {
            // Watched before the read, so a change committed between the two is not missed.
            var change = Watch(orderId);
            try
            {
                var order = await read(cancellationToken);
                var left = deadline - clock.GetUtcNow();
                if (order is null || !waitWhile.Contains(order.Status) || !_listening || left <= TimeSpan.Zero)
                {
                    return order;
                }

                try
                {
                    await change.Heard.Task.WaitAsync(left, clock, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return order;
                }
            }
            finally
            {
                Unwatch(orderId, change);
            }
        }
    }

    private Change Watch(Guid orderId)
    {
        lock (_gate)
        {
            if (!_changes.TryGetValue(orderId, out var change))
            {
                _changes[orderId] = change = new Change();
            }

            change.Readers++;
            return change;
        }
    }

    private void Unwatch(Guid orderId, Change change)
    {
        lock (_gate)
        {
            if (--change.Readers == 0 && _changes.TryGetValue(orderId, out var current) && current == change)
            {
                _changes.Remove(orderId);
            }
        }
    }
}
