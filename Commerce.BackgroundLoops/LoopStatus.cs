using System.Collections.Concurrent;

namespace Commerce.BackgroundLoops;

/// <summary>
/// What one background loop last did, for <c>/health</c>: whether its last pass failed, since when, how
/// many times in a row and why. A success clears the failure, so the health check turns Healthy again
/// by itself once the dependency is back.
/// </summary>
public sealed class LoopStatus(string name, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private LoopSnapshot _snapshot = new(0, null, null, null, null);

    public string Name { get; } = name;

    public LoopSnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _snapshot;
            }
        }
    }

    public void Succeeded()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            _snapshot = new LoopSnapshot(0, null, null, now, _snapshot.LastFailureAt);
        }
    }

    /// <summary>Records a failure; returns how many passes in a row have now failed.</summary>
    public int Failed(string reason)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var s = _snapshot;
            _snapshot = new LoopSnapshot(s.ConsecutiveFailures + 1, s.FailingSince ?? now, reason, s.LastSuccessAt, now);
            return _snapshot.ConsecutiveFailures;
        }
    }
}

/// <param name="FailingSince">When the current run of failures began; null while the loop succeeds.</param>
/// <param name="LastError">Why the latest pass failed; null while the loop succeeds.</param>
public sealed record LoopSnapshot(int ConsecutiveFailures, DateTimeOffset? FailingSince, string? LastError,
    DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt)
{
    public bool IsFailing => ConsecutiveFailures > 0;
}

/// <summary>Every background loop's <see cref="LoopStatus"/> in this process, by name.</summary>
public sealed class LoopStatuses(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, LoopStatus> _loops = new(StringComparer.Ordinal);

    public LoopStatus For(string name) => _loops.GetOrAdd(name, n => new LoopStatus(n, clock));
}
