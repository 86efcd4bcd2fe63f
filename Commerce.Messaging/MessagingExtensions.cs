using Commerce.Contracts;
using Commerce.Messaging.Replay;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Commerce.Messaging;

public static class MessagingExtensions
{
    public const string HealthCheckName = "messaging";

    /// <summary>
    /// MassTransit on the RabbitMQ of <c>ConnectionStrings:messaging</c>: kebab-case queues prefixed
    /// with the service's name, retries with exponential back-off and then <c>&lt;queue&gt;_error</c>,
    /// the bus health check in <c>/health</c>, and the error-queue replayer. A service without the
    /// connection string refuses to start.
    /// </summary>
    public static TBuilder AddMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connection = MessagingConnection.FromConfiguration(builder.Configuration);
        var section = builder.Configuration.GetSection(MessagingOptions.SectionName);
        var prefix = section[nameof(MessagingOptions.EndpointPrefix)] is { Length: > 0 } configured
            ? configured
            : DefaultPrefix(builder.Environment.ApplicationName);

        builder.Services.AddSingleton(connection);
        builder.Services.AddOptions<MessagingOptions>()
            .Bind(section)
            .Validate(o => o.RetryLimit >= 0, "Messaging:RetryLimit must not be negative.")
            .Validate(o => o.RetryMinInterval <= o.RetryMaxInterval, "Messaging:RetryMinInterval must not exceed Messaging:RetryMaxInterval.")
            .ValidateOnStart();

        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix + "-", false));
            // MassTransit reports usage to its vendor over the internet unless told not to: a shop's
            // services send nothing to third parties, and a closed network would only log failures.
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            // The outbox keeps accepting changes while the broker is away, so an outage degrades the
            // service rather than taking it out of the load balancer.
            x.ConfigureHealthCheckOptions(h =>
            {
                h.Name = HealthCheckName;
                h.MinimalFailureStatus = HealthStatus.Degraded;
                h.Tags.Add("ready");
                h.Tags.Add("masstransit");
            });
            consumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                cfg.Host(connection.Host, connection.Port, connection.VirtualHost, builder.Environment.ApplicationName, h =>
                {
                    h.Username(connection.Username);
                    h.Password(connection.Password);
                    if (connection.UseTls)
                    {
                        h.UseSsl();
                    }
                });
                // Events share a base record for their id and time; an exchange for it would only
                // fan every event out to nobody.
                cfg.Publish<IntegrationEvent>(p => p.Exclude = true);
                cfg.PrefetchCount = options.PrefetchCount;
                cfg.UseMessageRetry(r => r.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryIntervalDelta));
                cfg.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddSingleton<ErrorQueueReplayer>();
        return builder;
    }

    private static string DefaultPrefix(string applicationName)
    {
        var name = applicationName.StartsWith("Commerce.", StringComparison.Ordinal) ? applicationName["Commerce.".Length..] : applicationName;
        return KebabCaseEndpointNameFormatter.Instance.SanitizeName(name.Replace(".", string.Empty, StringComparison.Ordinal));
    }
}
