namespace Commerce.ServiceDefaults.Resilience;

/// <summary>
/// Tuning for the resilience handler every HttpClient gets. Bound from <c>HttpResilience</c>;
/// a client named <c>x</c> can override it under <c>HttpResilience:Clients:x</c>.
/// </summary>
public sealed class HttpResilienceOptions
{
    public const string SectionName = "HttpResilience";

    /// <summary>The whole call, retries included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>One attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries for idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) only.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off; it doubles for each retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Share of failed calls in <see cref="BreakerSamplingDuration"/> that opens the breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);
}
