namespace Commerce.BackgroundLoops;

/// <summary>
/// Exponential back-off with a cap and jitter: <see cref="First"/>, then twice as long each attempt, never
/// more than <see cref="Max"/>, each delay shortened by up to <see cref="Jitter"/> of itself at random so
/// that replicas which failed together do not retry together. The one back-off every background loop
/// uses (relay, listener, sweeps, index builds). It never overflows, however many attempts it is asked
/// about: the doubling is done in floating point and capped before it becomes a <see cref="TimeSpan"/>.
/// </summary>
/// <remarks>
/// Polly's retry strategy does this for calls that throw, but its delay generator is not public, and
/// several waits here are not retries of a throwing call (a blocked aggregate, rows held back by an older
/// transaction, a broker found away mid-round).
/// </remarks>
public readonly record struct Backoff(TimeSpan First, TimeSpan Max, double Jitter = Backoff.DefaultJitter)
{
    public const double DefaultJitter = 0.2;

    /// <summary>The wait before attempt <paramref name="failures"/> + 1, after that many failures in a row (0 waits nothing).</summary>
    public TimeSpan Delay(int failures, Random? random = null)
    {
        if (failures <= 0 || Max <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var first = Math.Max(0, First.Ticks);
        // 2^62 is far past any cap; the exponent is bounded so the double stays finite.
        var ticks = Math.Min(first * Math.Pow(2, Math.Min(failures - 1, 62)), Max.Ticks);
        var jitter = Math.Clamp(Jitter, 0, 1) * (random ?? Random.Shared).NextDouble();
        return TimeSpan.FromTicks((long)(ticks * (1 - jitter)));
    }
}
