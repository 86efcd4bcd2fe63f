using Commerce.Ordering.Payments;
using Microsoft.Extensions.Options;

namespace Commerce.Ordering.Orders;

/// <summary>Releases reservations that waited too long for payment, by cancelling their orders.</summary>
public sealed class ReservationTimeoutSweeper(IServiceScopeFactory scopes, IOptions<PaymentOptions> options,
    ILogger<ReservationTimeoutSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Often enough that a timed-out reservation is freed within a small fraction of its limit.
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.ReservationTimeout.Ticks / 10, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var cancelled = await scope.ServiceProvider.GetRequiredService<OrderLifecycle>().CancelTimedOutAsync(stoppingToken);
                if (cancelled > 0)
                {
                    logger.LogInformation("Cancelled {Count} orders whose payment timed out", cancelled);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The reservation timeout sweep failed; it runs again shortly");
            }
        }
    }
}
