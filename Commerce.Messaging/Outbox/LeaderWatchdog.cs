using Commerce.BackgroundLoops;

namespace Commerce.Messaging.Outbox;

/// <summary>
/// Bounds every step of one leadership (taking it, one round with the wait after it) to
/// <see cref="OutboxOptions.StuckTimeout"/>. A step that runs longer is cancelled; one that still has not
/// ended a grace period later is abandoned: whatever it waits for (a read from a server that no longer
/// answers, a call that ignores cancellation) may never return, and while it waits its session keeps the
/// relay lock from every other replica. The step's status shows in <c>/health</c> as stuck meanwhile.
/// </summary>
internal sealed class LeaderWatchdog(TimeSpan limit, LoopStatus status, TimeProvider clock, CancellationToken stoppingToken) : IDisposable
{
    private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
    private long _stepStarted = clock.GetTimestamp();
    private long _stuckSinceTicks;
    private volatile string _doing = "taking the leadership";

    /// <summary>Cancelled when the host stops or a step overruns.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The session holding the lock, once this leadership took it.</summary>
    public LockSession? Session { get; set; }

    /// <summary>When the step that overran should have ended; null while none has.</summary>
    public DateTimeOffset? StuckSince => Interlocked.Read(ref _stuckSinceTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public TimeSpan Limit => limit;

    /// <summary>What the step that overran was doing (where it hung), for the log and <c>/health</c>.</summary>
    public string Doing => _doing;

    /// <summary>How long a step may go on after it was cancelled before it is abandoned.</summary>
    private TimeSpan Grace => limit / 2 < TimeSpan.FromSeconds(10) ? limit / 2 : TimeSpan.FromSeconds(10);

    /// <summary>A step begins, doing <paramref name="doing"/>: it has <see cref="Limit"/> from now. Ignored once the leadership is stuck.</summary>
    public void Step(string doing)
    {
        if (StuckSince is not null)
        {
            return;
        }

        _doing = doing;
        Volatile.Write(ref _stepStarted, clock.GetTimestamp());
        status.StepStarted(limit, doing);
    }

    /// <summary>The step moves on to <paramref name="doing"/>, within the same limit.</summary>
    public void Now(string doing)
    {
        if (StuckSince is not null)
        {
            return;
        }

        _doing = doing;
        status.StepDoing(doing);
    }

    /// <summary>
    /// Waits until <paramref name="leading"/> ends, cancelling it when a step overruns. Returns false
    /// when it has not ended a grace period after that: the caller abandons it.
    /// </summary>
    public async Task<bool> WatchAsync(Task leading)
    {
        var tick = limit / 8 < TimeSpan.FromSeconds(1) ? limit / 8 : TimeSpan.FromSeconds(1);
        while (!leading.IsCompleted)
        {
            await Task.WhenAny(leading, Task.Delay(tick, clock));
            var overrun = clock.GetElapsedTime(Volatile.Read(ref _stepStarted)) - limit;
            if (leading.IsCompleted || overrun <= TimeSpan.Zero)
            {
                continue;
            }

            if (StuckSince is null)
            {
                Interlocked.Exchange(ref _stuckSinceTicks, (clock.GetUtcNow() - overrun).UtcTicks);
                // Npgsql sends the server a cancel request from inside Cancel(), synchronously: never on this loop.
                _ = Task.Run(_cancel.Cancel);
            }

            if (overrun > Grace)
            {
                // Its exception, should it ever end, is of no interest any more.
                _ = leading.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        status.StepEnded();
        // A cancellation still running on the thread pool must not meet a disposed source.
        if (StuckSince is null)
        {
            _cancel.Dispose();
        }
    }
}

/// <summary>A leadership step ran past <see cref="OutboxOptions.StuckTimeout"/>; the replica gave the leadership up.</summary>
public sealed class OutboxLeaderStuckException(string message, Exception? inner = null) : Exception(message, inner);
