using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Commerce.AppHost.Supervision;

/// <summary>
/// What a supervisor does for a crashed process (Container Apps, Kubernetes, systemd's
/// <c>Restart=always</c>): DCP restarts containers by their restart policy but never an executable
/// or a project, which stays Finished until someone presses Start in the dashboard. With this on
/// (the default in run mode; <c>--Parameters:restart-on-exit=false</c> turns it off), a server or
/// service that exits by itself (killed, crashed, or stopped from inside like
/// <c>rabbitmqctl stop</c>) is started again at once, and again with a doubling delay capped at
/// 30 s while it keeps exiting within half a minute of its start. One stopped from the dashboard
/// or the CLI is Terminated by DCP, not Finished, and stays stopped; every replica is supervised
/// on its own.
/// </summary>
internal static class RestartOnExit
{
    public const string Key = "Parameters:restart-on-exit";

    public static void AddRestartOnExit(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue(Key, true))
        {
            builder.Services.AddHostedService<ExitedResourceSupervisor>();
        }
    }
}

internal sealed class ExitedResourceSupervisor(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    ILogger<ExitedResourceSupervisor> logger) : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Supervised> _resources = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(stoppingToken))
            {
                if (e.Resource is not (ExecutableResource or ProjectResource))
                {
                    continue;
                }

                var state = e.Snapshot.State?.Text;
                var supervised = _resources.GetOrAdd(e.ResourceId, _ => new Supervised());

                var previous = supervised.State;
                supervised.State = state;
                if (state == previous)
                {
                    continue;
                }

                if (state == KnownResourceStates.Running)
                {
                    if (DateTime.UtcNow - supervised.StartedAt > StableAfter)
                    {
                        supervised.Restarts = 0;
                    }

                    supervised.StartedAt = DateTime.UtcNow;
                }
                else if ((state == KnownResourceStates.Finished || state == KnownResourceStates.Exited
                          || state == KnownResourceStates.FailedToStart)
                         && (previous == KnownResourceStates.Running || previous == KnownResourceStates.Starting)
                         && !lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    // A process that ran a while earns a prompt restart; one that keeps exiting
                    // right after its start waits longer each time (a crash loop).
                    var ranFor = DateTime.UtcNow - supervised.StartedAt;
                    supervised.Restarts = ranFor > StableAfter ? 0 : supervised.Restarts + 1;
                    var delay = supervised.Restarts == 0
                        ? TimeSpan.Zero
                        : TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(supervised.Restarts - 1, 10)));
                    _ = RestartAsync(e.ResourceId, e.Snapshot.ExitCode, delay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping: DCP stops everything, nothing is restarted.
        }
    }

    private async Task RestartAsync(string resourceId, int? exitCode, TimeSpan delay, CancellationToken stoppingToken)
    {
        var resourceLog = resourceLogs.GetLogger(resourceId);
        try
        {
            resourceLog.LogWarning("Exited by itself (exit code {ExitCode}); the AppHost starts it again in {Delay:0.#} s", exitCode, delay.TotalSeconds);
            logger.LogWarning("{Resource} exited by itself (exit code {ExitCode}); starting it again in {Delay:0.#} s", resourceId, exitCode, delay.TotalSeconds);
            var wait = delay;
            while (!stoppingToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await Task.Delay(wait, stoppingToken);
                if (_resources.TryGetValue(resourceId, out var now) && now.State is { } state
                    && (state == KnownResourceStates.Running || state == KnownResourceStates.Starting || state == KnownResourceStates.Stopping))
                {
                    return;
                }

                var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
                if (result.Success)
                {
                    return;
                }

                // DCP may still be recording the exit: the Start command is not offered yet.
                logger.LogInformation("Starting {Resource} again failed ({Message}); retrying", resourceId, result.Message);
                wait = TimeSpan.FromSeconds(1);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not start {Resource} again: start it from the dashboard", resourceId);
        }
    }

    private sealed class Supervised
    {
        // Read by the restart task while the watcher writes it.
        public volatile string? State;

        public DateTime StartedAt { get; set; } = DateTime.MinValue;

        public int Restarts { get; set; }
    }
}
