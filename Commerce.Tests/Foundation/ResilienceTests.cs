using System.Diagnostics;
using System.Net;
using Commerce.ServiceDefaults.Http;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Commerce.Tests.Foundation;

/// <summary>
/// What the project decided about the standard resilience handler every HttpClient gets from
/// <c>AddServiceDefaults</c>: which requests are retried, its timeouts, per-client configuration.
/// </summary>
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
            app.MapPut("/flaky", () => Count("flaky-put") <= 2 ? Results.StatusCode(503) : Results.Text("finally"));
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

    /// <summary>The service defaults with <paramref name="settings"/>; clients named in <paramref name="ownResilience"/> get their own handler.</summary>
    private IServiceProvider Services(Dictionary<string, string?>? settings = null, params string[] ownResilience)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Short back-offs keep the tests fast; the counts are what is asserted.
            ["HttpResilience:Retry:Delay"] = "00:00:00.020",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.AddServiceDefaults();
        foreach (var name in ownResilience)
        {
            builder.Services.AddHttpClient(name).AddClientResilience();
        }

        return builder.Build().Services;
    }

    private HttpClient Client(IServiceProvider services, string name)
    {
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
        client.BaseAddress = _upstream.BaseAddress;
        return client;
    }

    [Fact]
    public async Task A_get_that_fails_twice_is_retried_until_it_answers()
    {
        using var client = Client(Services(), "retry");
        Assert.Equal("finally", await client.GetStringAsync("flaky"));
        Assert.Equal(3, Calls("flaky"));
    }

    [Fact]
    public async Task A_put_is_retried_as_it_is_idempotent()
    {
        using var client = Client(Services(), "put");
        var response = await client.PutAsync("flaky", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, Calls("flaky-put"));
    }

    [Fact]
    public async Task A_post_is_not_retried()
    {
        using var client = Client(Services(), "post");
        var response = await client.PostAsync("flaky", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, Calls("flaky-post"));
    }

    [Fact]
    public async Task The_breaker_opens_after_repeated_failures_and_stops_calling()
    {
        using var client = Client(Services(new()
        {
            ["HttpResilience:Clients:breaker:CircuitBreaker:MinimumThroughput"] = "4",
            ["HttpResilience:Clients:breaker:CircuitBreaker:BreakDuration"] = "00:00:30",
        }, "breaker"), "breaker");

        // One GET: the first attempt and its three retries, all failing, open the breaker.
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("broken")).StatusCode);
        var callsWhenOpened = Calls("broken");
        Assert.Equal(4, callsWhenOpened);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("broken"));
        Assert.IsType<BrokenCircuitException>(ex.InnerException);
        Assert.Contains("circuit", ex.Message);
        Assert.Equal(callsWhenOpened, Calls("broken"));
    }

    [Fact]
    public async Task A_request_that_hangs_is_cut_off()
    {
        using var client = Client(Services(new()
        {
            ["HttpResilience:Clients:hang:AttemptTimeout:Timeout"] = "00:00:00.300",
            ["HttpResilience:Clients:hang:TotalRequestTimeout:Timeout"] = "00:00:01",
            ["HttpResilience:Clients:hang:Retry:MaxRetryAttempts"] = "1",
        }, "hang"), "hang");
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("hang"));
        watch.Stop();
        Assert.Contains("timed out", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the call should have been cut off, took {watch.Elapsed}");
        Assert.Equal(2, Calls("hang"));
    }

    [Fact]
    public async Task A_client_with_its_own_settings_has_one_handler_using_them()
    {
        // Shared: 7 retries; the client's own: 1. Had the shared handler stayed in front of the
        // client's, one GET would reach the server 16 times.
        using var client = Client(Services(new()
        {
            ["HttpResilience:Retry:MaxRetryAttempts"] = "7",
            ["HttpResilience:Clients:catalog:Retry:MaxRetryAttempts"] = "1",
        }, "catalog"), "catalog");
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("broken")).StatusCode);
        Assert.Equal(2, Calls("broken"));
    }

    [Fact]
    public void The_chosen_timeouts_and_breaker_are_the_defaults_of_every_client()
    {
        var monitor = Services().GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>();
        var options = monitor.Get("-standard");
        Assert.Equal(TimeSpan.FromSeconds(20), options.TotalRequestTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.AttemptTimeout.Timeout);
        Assert.Equal(3, options.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Retry.Delay);
        Assert.Equal(0.5, options.CircuitBreaker.FailureRatio);
        Assert.Equal(10, options.CircuitBreaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CircuitBreaker.BreakDuration);
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();
}
