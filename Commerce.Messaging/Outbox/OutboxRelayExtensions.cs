using Commerce.BackgroundLoops;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Commerce.Messaging.Outbox;

public static class OutboxRelayExtensions
{
    /// <summary>
    /// Runs the outbox relay of <typeparamref name="TContext"/> (which maps the outbox with
    /// <see cref="OutboxDbContextExtensions.MapOutbox"/>). Needs <c>AddMessaging</c> for the bus.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxRelay<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.Services.AddOptions<OutboxOptions>()
            .Bind(builder.Configuration.GetSection(OutboxOptions.SectionName))
            .Validate(o => o.BatchSize > 0 && o.MaxConcurrentAggregates > 0, "Messaging:Outbox:BatchSize and MaxConcurrentAggregates must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PublishTimeout > TimeSpan.Zero, "Messaging:Outbox:PollInterval and PublishTimeout must be positive.")
            .Validate(o => o.ReceiveReadyTimeout >= TimeSpan.Zero, "Messaging:Outbox:ReceiveReadyTimeout must not be negative.")
            .Validate(o => o.RetryMinDelay > TimeSpan.Zero && o.RetryMinDelay <= o.RetryMaxDelay, "Messaging:Outbox:RetryMinDelay must be positive and not exceed RetryMaxDelay.")
            .Validate(o => o.HeldBackFirstDelay > TimeSpan.Zero && o.HeldBackFirstDelay <= o.HeldBackMaxDelay, "Messaging:Outbox:HeldBackFirstDelay must be positive and not exceed HeldBackMaxDelay.")
            .Validate(o => o.StuckTimeout > o.PublishTimeout && o.StuckTimeout > o.ReceiveReadyTimeout && o.StuckTimeout > o.RetryMaxDelay,
                "Messaging:Outbox:StuckTimeout must exceed PublishTimeout, ReceiveReadyTimeout and RetryMaxDelay.")
            .ValidateOnStart();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<OutboxMetrics>();
        builder.Services.AddBackgroundLoopHealthCheck(OutboxRelay<TContext>.HealthCheckName);
        builder.Services.AddHostedService<OutboxRelay<TContext>>();
        return builder;
    }
}
