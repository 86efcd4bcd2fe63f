using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Commerce.AppHost.Tests;

/// <summary>
/// The AppHost as a supervisor (Supervision/RestartOnExit): DCP leaves a crashed executable
/// Finished; the AppHost starts it again, but not one an operator stopped from the dashboard.
/// </summary>
[Collection(ShopGraphCollection.Name)]
public sealed class RestartOnExitTests(ShopGraph graph, ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_server_is_started_again_and_one_stopped_from_the_dashboard_stays_stopped()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        var notifications = graph.App.ResourceNotifications;
        Assert.True(notifications.TryGetCurrentState("cache", out var before), "no state for 'cache'");
        var pid = PidOf(before);
        Assert.True(pid > 0, "the cache resource reports no process id");

        var killed = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill(); // SIGKILL, as a crash or the OOM killer would
        await notifications.WaitForResourceAsync("cache", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), ct);
        var restarted = await notifications.WaitForResourceAsync("cache",
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && PidOf(e) is > 0 and var p && p != pid, ct);
        await notifications.WaitForResourceHealthyAsync("cache", ct);
        output.WriteLine($"redis-server pid {pid} killed; pid {PidOf(restarted)} Running and healthy {killed.Elapsed.TotalSeconds:0.0} s later");

        var commands = graph.App.Services.GetRequiredService<ResourceCommandService>();
        var stop = await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand, ct);
        Assert.True(stop.Success, $"stop: {stop.Message}");
        var stopped = await notifications.WaitForResourceAsync("cache", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), ct);
        output.WriteLine($"stopped from the dashboard's command: state {stopped.Snapshot.State?.Text}");
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        Assert.True(notifications.TryGetCurrentState("cache", out var later));
        Assert.Contains(later.Snapshot.State?.Text, KnownResourceStates.TerminalStates);

        var start = await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, ct);
        Assert.True(start.Success, $"start: {start.Message}");
        await notifications.WaitForResourceHealthyAsync("cache", ct);
        // Cart lost its Redis meanwhile: the suite's other tests expect every resource healthy.
        await notifications.WaitForResourceHealthyAsync("cart", ct);
    }

    private static int PidOf(ResourceEvent e) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
}
