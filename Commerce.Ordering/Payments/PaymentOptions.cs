namespace Commerce.Ordering.Payments;

/// <summary>Bound from <c>Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payments";

    /// <summary>How long the simulated provider takes to answer, to make checkout realistic under load.</summary>
    public TimeSpan SimulatedLatency { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A charge that takes longer than this counts as failed ("payment timed out").</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A reservation not paid within this time is released and the order cancelled.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// First wait after a failed reservation-timeout sweep (the database away); doubles, with jitter, up
    /// to <see cref="SweepRetryMaxDelay"/> while the sweep keeps failing.
    /// </summary>
    public TimeSpan SweepRetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan SweepRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
