using Commerce.Ordering.Payments;
using Commerce.BackgroundLoops;
using Microsoft.Extensions.Options;

namespace Commerce.Ordering.Orders;

/// <summary>
/// Releases reservations that waited too long for payment, by cancelling their orders. Every replica
/// sweeps; each order changes under its version check, so two replicas cancel it once. A failing
/// sweep (the database away) is retried with back-off and shown in <c>/health</c> as
/// <see cref="HealthCheckName"/>.
/// </summary>
public sealed partial class ReservationTimeoutSweeper(IServiceScopeFactory scopes, IOptions<PaymentOptions> options,
    LoopStatuses loops, TimeProvider clock, ILogger<ReservationTimeoutSweeper> logger) : BackgroundService
{
    public const string HealthCheckName = "reservation-timeout-sweep";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Often enough that a timed-out reservation is freed within a small fraction of its limit.
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.ReservationTimeout.Ticks / 10, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(30).Ticks));
        var backoff = new Backoff(options.Value.SweepRetryMinDelay, options.Value.SweepRetryMaxDelay);
        return BackgroundLoop.RunAsync(loops.For(HealthCheckName), backoff, async ct =>
        {
            await SweepAsync(ct);
            return period;
        }, clock, logger, stoppingToken);
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var cancelled = await scope.ServiceProvider.GetRequiredService<OrderLifecycle>().CancelTimedOutAsync(ct);
        if (cancelled > 0)
        {
            LogCancelled(logger, cancelled);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled {Count} orders whose payment timed out")]
    private static partial void LogCancelled(ILogger logger, int count);
}
