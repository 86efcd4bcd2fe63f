using Commerce.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Commerce.Tests.Foundation;

public sealed class TelemetryTests
{
    [Fact]
    public async Task A_request_produces_a_span_that_reaches_the_otlp_receiver_with_the_service_name()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var serviceName = $"commerce-telemetry-{Guid.NewGuid():N}"[..32];
        var app = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            a =>
            {
                a.MapDefaultEndpoints();
                a.MapGet("/products/special", () => "ok");
            },
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = serviceName,
            });
        using (var client = app.CreateClient())
        {
            Assert.Equal("ok", await client.GetStringAsync("products/special"));
            await client.GetAsync("health");
            await client.GetAsync("alive");
        }

        // Stopping the app flushes the exporter.
        await app.DisposeAsync();

        var spans = receiver.Spans;
        var served = Assert.Single(spans, s => s.Kind == ReceivedSpan.Server && s.Name == "GET /products/special");
        Assert.Equal(serviceName, served.Service);
        Assert.DoesNotContain(spans, s => s.Name.Contains("/health", StringComparison.Ordinal) || s.Name.Contains("/alive", StringComparison.Ordinal)
            || s.Attributes.GetValueOrDefault("url.path") is "/health" or "/alive");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", true)]
    public async Task Redis_command_spans_are_opt_in(string? disableTracing, bool expected)
    {
        var servers = await TestServers.GetAsync();
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "commerce-redis-spans",
            ["ConnectionStrings:cache"] = servers.Redis.ConnectionString,
        };
        if (disableTracing is not null)
        {
            settings["Aspire:StackExchange:Redis:DisableTracing"] = disableTracing;
        }

        var key = $"test-{Guid.NewGuid():N}:telemetry";
        var app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.AddRedisConnection("cache");
            },
            a => a.MapGet("/cached", async (IConnectionMultiplexer redis) =>
            {
                await redis.GetDatabase().StringSetAsync(key, "v", TimeSpan.FromMinutes(1));
                return (string?)await redis.GetDatabase().StringGetAsync(key);
            }),
            settings);
        using (var client = app.CreateClient())
        {
            Assert.Equal("v", await client.GetStringAsync("cached"));
        }

        // Stopping the app drains the Redis profiling sessions and flushes the exporter.
        await app.DisposeAsync();

        var spans = receiver.Spans;
        Assert.Single(spans, s => s.Kind == ReceivedSpan.Server && s.Name == "GET /cached");
        var redisSpans = spans.Where(s => s.Attributes.GetValueOrDefault("db.system") == "redis"
                                          || s.Attributes.GetValueOrDefault("db.system.name") == "redis").ToList();
        Assert.True(expected == (redisSpans.Count > 0),
            $"expected Redis spans: {expected}; got {redisSpans.Count} of {spans.Count}: {string.Join("; ", spans)}");
    }
}
