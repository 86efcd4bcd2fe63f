using System.Net;
using System.Text.Json;
using Commerce.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_turns_unhealthy_when_redis_goes_away_while_alive_stays_healthy()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.AddRedisConnection("cache");
            },
            a => a.MapDefaultEndpoints(),
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = redis.ConnectionString });
        using var client = app.CreateClient();

        var healthy = await WaitForStatusAsync(client, "health", HttpStatusCode.OK);
        Assert.Equal("Healthy", healthy.GetProperty("status").GetString());
        Assert.Equal("Healthy", healthy.GetProperty("checks").GetProperty("redis-cache").GetProperty("status").GetString());

        await redis.StopAsync();

        var unhealthy = await WaitForStatusAsync(client, "health", HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", unhealthy.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", unhealthy.GetProperty("checks").GetProperty("redis-cache").GetProperty("status").GetString());

        var alive = await client.GetAsync("alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var aliveBody = JsonDocument.Parse(await alive.Content.ReadAsStringAsync()).RootElement;
        Assert.False(aliveBody.GetProperty("checks").TryGetProperty("redis-cache", out _), "/alive must not run dependency checks");

        await redis.RestartAsync();
        await WaitForStatusAsync(client, "health", HttpStatusCode.OK);
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage response;
        do
        {
            response = await client.GetAsync(path);
            if (response.StatusCode == expected)
            {
                Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"/{path} answered {(int)response.StatusCode} instead of {(int)expected}: {await response.Content.ReadAsStringAsync()}");
        return default;
    }
}
