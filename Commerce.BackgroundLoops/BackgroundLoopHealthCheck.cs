using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Commerce.BackgroundLoops;

/// <summary>
/// One background loop in <c>/health</c>: Healthy while its passes succeed; the registration's failure
/// status (Degraded by default) while they fail, with the last error, since when and how many passes in
/// a row; Healthy again by itself after the next pass succeeds. A step that has run past its limit
/// (<see cref="LoopStatus.StepStarted"/>) makes it fail too, "stuck since", even before the loop gives up on it.
/// </summary>
public sealed class BackgroundLoopHealthCheck(LoopStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = status.Snapshot;
        if (status.Stuck is var (since, doing))
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"Stuck since {Format(since)} ({doing}): a step has run longer than its limit"
                + (s.IsFailing ? $"; failing since {Format(s.FailingSince!.Value)} ({s.ConsecutiveFailures} passes in a row), last error: {s.LastError}" : "."),
                data: new Dictionary<string, object> { ["stuckSince"] = since, ["stuckIn"] = doing }));
        }

        if (!s.IsFailing)
        {
            return Task.FromResult(HealthCheckResult.Healthy(s.LastSuccessAt is { } at
                ? $"Last pass succeeded at {Format(at)}."
                : "No pass has finished yet."));
        }

        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
            $"Failing since {Format(s.FailingSince!.Value)} ({s.ConsecutiveFailures} passes in a row); last error: {s.LastError}",
            data: new Dictionary<string, object>
            {
                ["failingSince"] = s.FailingSince.Value,
                ["consecutiveFailures"] = s.ConsecutiveFailures,
                ["lastError"] = s.LastError ?? string.Empty,
            }));
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

public static class BackgroundLoopHealthExtensions
{
    public const string Tag = "loop";

    /// <summary>
    /// Adds the check <paramref name="name"/> for the background loop of that name (see
    /// <see cref="LoopStatuses"/>). Degraded by default: a failing loop delays work (events, cancellations,
    /// an index), while the service still answers; Unhealthy would take every replica, all sharing the
    /// failed dependency, out of the load balancer at once.
    /// </summary>
    public static IServiceCollection AddBackgroundLoopHealthCheck(this IServiceCollection services, string name,
        HealthStatus failureStatus = HealthStatus.Degraded)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LoopStatuses>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            sp => new BackgroundLoopHealthCheck(sp.GetRequiredService<LoopStatuses>().For(name)),
            failureStatus,
            ["ready", Tag]));
        return services;
    }
}
