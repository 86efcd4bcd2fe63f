using System.Collections.Concurrent;

namespace Commerce.BackgroundLoops;

/// <summary>
/// What one background loop last did, for <c>/health</c>: whether its last pass failed, since when, how
/// many times in a row and why. A success clears the failure, so the health check turns Healthy again
/// by itself once the dependency is back. A loop whose passes are long (the outbox relay leads for
/// hours) also announces each step it begins with the time it may take, so that a step that hangs
/// shows as stuck while it hangs, not only once something notices and gives up on it.
/// </summary>
public sealed class LoopStatus(string name, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private LoopSnapshot _snapshot = new(0, null, null, null, null);
    private (DateTimeOffset StartedAt, TimeSpan Limit, string Doing)? _step;

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

    /// <summary>A step begins that should end within <paramref name="limit"/>; <paramref name="doing"/> says what it does.</summary>
    public void StepStarted(TimeSpan limit, string doing)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            _step = (now, limit, doing);
        }
    }

    /// <summary>The running step moves on to <paramref name="doing"/>, within the same limit.</summary>
    public void StepDoing(string doing)
    {
        lock (_gate)
        {
            if (_step is var (started, limit, _))
            {
                _step = (started, limit, doing);
            }
        }
    }

    public void StepEnded()
    {
        lock (_gate)
        {
            _step = null;
        }
    }

    /// <summary>When the running step should have ended and what it was doing, if it is past that now; otherwise null.</summary>
    public (DateTimeOffset Since, string Doing)? Stuck
    {
        get
        {
            lock (_gate)
            {
                return _step is var (started, limit, doing) && clock.GetUtcNow() - started > limit ? (started + limit, doing) : null;
            }
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
