using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Commerce.ServiceDefaults.Data;

public static class RedisExtensions
{
    /// <summary>
    /// One multiplexer per process from <c>ConnectionStrings:{name}</c> (honours <c>password=</c>
    /// and <c>ssl=true</c>), plus a health check. It connects in the background, so a Redis that is
    /// down at start-up delays the cache rather than the process.
    /// </summary>
    public static TBuilder AddRedisConnection<TBuilder>(this TBuilder builder, string connectionName,
        HealthStatus failureStatus = HealthStatus.Unhealthy) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Set environment variable ConnectionStrings__{connectionName} to host:port[,password=…][,ssl=true].");
        }

        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        options.ConnectRetry = Math.Max(options.ConnectRetry, 3);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"redis-{connectionName}",
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus,
            ["ready", "redis"],
            TimeSpan.FromSeconds(3)));
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!redis.IsConnected)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "Redis is not connected.");
            }

            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or RedisConnectionException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer.", ex);
        }
    }
}
