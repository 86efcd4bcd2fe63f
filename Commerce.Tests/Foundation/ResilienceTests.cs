using System.Diagnostics;
using System.Net;
using Commerce.ServiceDefaults.Resilience;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Commerce.Tests.Foundation;

public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly Dictionary<string, int> _calls = new();
    private KestrelApp _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await KestrelApp.StartAsync(_ => { }, app =>
        {
            app.MapGet("/flaky", () => Count("flaky") <= 2 ? Results.StatusCode(503) : Results.Text("finally"));
            app.MapPost("/flaky", () => Count("flaky-post") <= 2 ? Results.StatusCode(503) : Results.Text("finally"));
            app.MapGet("/broken", () => { Count("broken"); return Results.StatusCode(500); });
            app.MapGet("/hang", async (CancellationToken ct) =>
            {
                Count("hang");
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                return Results.Text("too late");
            });
        });
    }

    private int Count(string key)
    {
        lock (_calls)
        {
            _calls[key] = _calls.GetValueOrDefault(key) + 1;
            return _calls[key];
        }
    }

    private int Calls(string key)
    {
        lock (_calls)
        {
            return _calls.GetValueOrDefault(key);
        }
    }

    private HttpClient CreateClient(string name, Action<HttpResilienceOptions>? tune = null)
    {
        var services = new ServiceCollection();
        services.AddHttpResilience(new ConfigurationBuilder().Build());
        services.Configure<HttpResilienceOptions>(name, o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            tune?.Invoke(o);
        });
        services.AddHttpClient(name, c => c.BaseAddress = _upstream.BaseAddress);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient(name);
    }

    [Fact]
    public async Task A_get_that_fails_twice_is_retried_until_it_answers()
    {
        using var client = CreateClient("retry");
        var body = await client.GetStringAsync("flaky");
        Assert.Equal("finally", body);
        Assert.Equal(3, Calls("flaky"));
    }

    [Fact]
    public async Task A_post_is_not_retried()
    {
        using var client = CreateClient("post");
        var response = await client.PostAsync("flaky", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, Calls("flaky-post"));
    }

    [Fact]
    public async Task The_breaker_opens_after_repeated_failures_and_stops_calling()
    {
        using var client = CreateClient("breaker", o =>
        {
            o.MaxRetryAttempts = 0;
            o.BreakerMinimumThroughput = 4;
            o.BreakerFailureRatio = 0.5;
            o.BreakerDuration = TimeSpan.FromSeconds(30);
        });
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("broken")).StatusCode);
        }

        var callsWhenOpened = Calls("broken");
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("broken"));
        Assert.IsType<BrokenCircuitException>(ex.InnerException);
        Assert.Contains("circuit", ex.Message);
        Assert.Equal(callsWhenOpened, Calls("broken"));
    }

    [Fact]
    public async Task A_request_that_hangs_is_cut_off()
    {
        using var client = CreateClient("hang", o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.TotalTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 1;
        });
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("hang"));
        watch.Stop();
        Assert.Contains("timed out", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the call should have been cut off, took {watch.Elapsed}");
        Assert.Equal(2, Calls("hang"));
    }

    [Fact]
    public async Task Options_come_from_configuration_per_client()
    {
        var services = new ServiceCollection();
        services.AddHttpResilience(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HttpResilience:MaxRetryAttempts"] = "7",
            ["HttpResilience:Clients:catalog:MaxRetryAttempts"] = "1",
        }).Build());
        var monitor = services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<HttpResilienceOptions>>();
        Assert.Equal(7, monitor.Get("cart").MaxRetryAttempts);
        Assert.Equal(1, monitor.Get("catalog").MaxRetryAttempts);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();
}
