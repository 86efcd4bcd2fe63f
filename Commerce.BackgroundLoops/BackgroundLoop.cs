using Microsoft.Extensions.Logging;

namespace Commerce.BackgroundLoops;

/// <summary>
/// Runs a background loop's passes until the host stops. A pass that throws, whatever it throws, is
/// logged, recorded in the loop's <see cref="LoopStatus"/> (and so in <c>/health</c>) and followed by
/// the next <see cref="Backoff"/> delay; then the loop goes on. No exception ends the loop: a dependency
/// that fails must delay the work, never stop the host (the default
/// <c>BackgroundServiceExceptionBehavior.StopHost</c> stays in force for real start-up errors).
/// </summary>
public static partial class BackgroundLoop
{
    /// <summary>Returned by a pass when the loop's work is done for good: the loop ends.</summary>
    public static readonly TimeSpan Done = Timeout.InfiniteTimeSpan;

    /// <param name="pass">One pass; returns how long to wait before the next, or <see cref="Done"/>.</param>
    public static async Task RunAsync(LoopStatus status, Backoff backoff, Func<CancellationToken, Task<TimeSpan>> pass,
        TimeProvider clock, ILogger logger, CancellationToken stoppingToken)
    {
        // The host's start-up does not wait for the first pass.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await pass(stoppingToken);
                Recovered(status, clock, logger);
                status.Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var reason = Describe(ex);
                var failures = status.Failed(reason);
                wait = backoff.Delay(failures);
                // The first failure of a run with its stack trace; repeats only say it goes on.
                if (failures == 1)
                {
                    LogFailed(logger, ex, status.Name, wait.TotalMilliseconds, reason);
                }
                else
                {
                    LogStillFailing(logger, status.Name, failures, wait.TotalMilliseconds, reason);
                }
            }

            if (wait == Done)
            {
                return;
            }

            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The message, with the innermost cause when the outer one only wraps it ("likely due to a transient
    /// failure"): an operator reading <c>/health</c> needs "Connection refused", not the wrapper.
    /// </summary>
    public static string Describe(Exception ex) =>
        ex.GetBaseException() is var inner && inner != ex ? $"{ex.Message} ({inner.GetType().Name}: {inner.Message})" : ex.Message;

    /// <summary>Logs the end of a run of failures, if there was one.</summary>
    public static void Recovered(LoopStatus status, TimeProvider clock, ILogger logger)
    {
        if (status.Snapshot is { FailingSince: { } since, ConsecutiveFailures: var failures })
        {
            LogRecovered(logger, status.Name, failures, (clock.GetUtcNow() - since).TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background loop {Loop} failed ({Error}); it tries again in {DelayMs:0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string loop, double delayMs, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background loop {Loop} failed again ({Failures} in a row: {Error}); it tries again in {DelayMs:0} ms")]
    private static partial void LogStillFailing(ILogger logger, string loop, int failures, double delayMs, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Background loop {Loop} works again after {Failures} failed passes over {Seconds:0.#} s")]
    private static partial void LogRecovered(ILogger logger, string loop, int failures, double seconds);
}
