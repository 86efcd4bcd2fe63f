using Commerce.ServiceDefaults.Messaging.Outbox;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Commerce.Tests.Messaging;

public sealed class RelayOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan BackoffCap = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task The_relay_keeps_trying_through_a_database_outage_longer_than_its_backoff_cap_says_so_in_health_and_recovers()
    {
        var servers = await TestServers.GetAsync();
        await using var postgres = await PostgresServer.StartAsync();
        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"relay-outage-{Guid.NewGuid():N}");
        var settings = MessagingTestApp.Settings(postgres.ConnectionString("relayoutage") + ";Timeout=2", vhost, new Dictionary<string, string?>
        {
            ["Messaging:Outbox:RetryMinDelay"] = "00:00:00.050",
            ["Messaging:Outbox:RetryMaxDelay"] = BackoffCap.ToString("c"),
        });
        await using var app = await MessagingTestApp.StartAsync(settings);
        await app.WaitForBusAsync();
        var stopping = app.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var check = OutboxRelay<MessagingTestDb>.HealthCheckName;
        using var client = app.CreateClient();
        var before = await app.ChangePriceAsync(960, 1m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == before.Event.EventId), TimeSpan.FromSeconds(30));
        await HealthProbe.WaitForAsync(client, check, "Healthy");

        await postgres.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        var later = await HealthProbe.AssertLoopKeepsTryingAsync(client, check, BackoffCap, stopping);

        await postgres.RestartAsync();
        var healthy = await HealthProbe.WaitForAsync(client, check, "Healthy");
        output.WriteLine($"outage {outage.Elapsed.TotalSeconds:0.0} s; {HealthProbe.ConsecutiveFailures(later)} failed passes seen; then {healthy}");
        var after = await app.ChangePriceAsync(960, 2m);
        await app.Deliveries().WaitForAsync(d => d.Any(x => x.MessageId == after.Event.EventId), TimeSpan.FromSeconds(30));
        Assert.False(stopping.IsCancellationRequested);
    }
}
