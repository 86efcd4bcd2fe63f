using Commerce.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Commerce.Data;

public static class RedisExtensions
{
    /// <summary>
    /// The <c>IConnectionMultiplexer</c> of Aspire.StackExchange.Redis on <c>ConnectionStrings:{name}</c>
    /// (honours <c>password=</c> and <c>ssl=true</c>), with its health check as <c>redis-{name}</c>
    /// failing with <paramref name="failureStatus"/> (settings under <c>Aspire:StackExchange:Redis</c>).
    /// It connects on first use and keeps retrying, so a Redis that is down at start-up delays the
    /// cache rather than the process.
    /// <para>
    /// A span per Redis command is opt-in (<c>Aspire:StackExchange:Redis:DisableTracing=false</c>):
    /// the cache is read several times on every page, and profiling each command and shipping its span
    /// cost the storefront's p95 about half again under load on a small machine, the dashboard's CPU
    /// most of all (docs/performance.md). The default is the lowest configuration source, so any
    /// setting wins.
    /// </para>
    /// </summary>
    public static TBuilder AddRedisConnection<TBuilder>(this TBuilder builder, string connectionName,
        HealthStatus failureStatus = HealthStatus.Unhealthy) where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName)))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Set environment variable ConnectionStrings__{connectionName} to host:port[,password=…][,ssl=true].");
        }

        builder.AddConfigurationDefaults([KeyValuePair.Create("Aspire:StackExchange:Redis:DisableTracing", (string?)"true")]);
        builder.AddRedisClient(connectionName, settings => settings.DisableAutoActivation = true, options =>
        {
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
            options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
            options.ConnectRetry = Math.Max(options.ConnectRetry, 3);
        });
        builder.Services.ConfigureHealthCheck("StackExchange.Redis", $"redis-{connectionName}", failureStatus, ["ready", "redis"], TimeSpan.FromSeconds(3));
        return builder;
    }
}
