using Commerce.BackgroundLoops;

namespace Commerce.Messaging.Outbox;

/// <summary>What one leadership remembers: back-off for failing aggregates and for rows held back by older transactions.</summary>
internal sealed class RelayState(OutboxOptions options)
{
    private readonly Dictionary<string, (int Failures, DateTimeOffset RetryAt)> _blocked = new(StringComparer.Ordinal);
    private readonly Backoff _aggregateBackoff = new(options.RetryMinDelay, options.RetryMaxDelay);
    private readonly Backoff _heldBackBackoff = new(options.HeldBackFirstDelay, options.HeldBackMaxDelay, Jitter: 0);
    private int _heldBackRounds;

    public string[] BlockedAggregates(DateTimeOffset now) =>
        [.. _blocked.Where(b => b.Value.RetryAt > now).Select(b => b.Key)];

    public TimeSpan? NextAggregateRetry(DateTimeOffset now) =>
        _blocked.Count == 0 ? null : _blocked.Values.Min(b => b.RetryAt) - now is var d && d > TimeSpan.Zero ? d : TimeSpan.FromMilliseconds(1);

    public TimeSpan Failed(string aggregate, DateTimeOffset now)
    {
        var failures = _blocked.TryGetValue(aggregate, out var b) ? b.Failures + 1 : 1;
        var delay = _aggregateBackoff.Delay(failures);
        _blocked[aggregate] = (failures, now + delay);
        return delay;
    }

    public void Succeeded(string aggregate) => _blocked.Remove(aggregate);

    /// <summary>
    /// The wait before looking again at rows an older transaction holds back (its end sends no
    /// notification): soon at first, then less often, never longer than <see cref="OutboxOptions.HeldBackMaxDelay"/>.
    /// </summary>
    public TimeSpan NextHeldBackDelay() => _heldBackBackoff.Delay(_heldBackRounds = Math.Min(_heldBackRounds + 1, 64));

    public void NothingHeldBack() => _heldBackRounds = 0;
}
