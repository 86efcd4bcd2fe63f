using Commerce.BackgroundLoops;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Commerce.Tests.Foundation;

public sealed class BackgroundLoopTests
{
    [Fact]
    public void Backoff_doubles_from_its_first_delay_up_to_its_cap_and_never_overflows()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), Jitter: 0);
        Assert.Equal(TimeSpan.Zero, backoff.Delay(0));
        Assert.Equal(
            new[] { 100, 200, 400, 800, 1000, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms)),
            Enumerable.Range(1, 6).Select(n => backoff.Delay(n)));
        foreach (var failures in new[] { 50, 63, 64, 1_000, int.MaxValue })
        {
            Assert.Equal(TimeSpan.FromSeconds(1), backoff.Delay(failures));
        }

        var huge = new Backoff(TimeSpan.MaxValue, TimeSpan.MaxValue, Jitter: 0);
        Assert.True(huge.Delay(int.MaxValue) > TimeSpan.Zero);
    }

    [Fact]
    public void Backoff_jitter_only_shortens_a_delay_and_by_at_most_its_share()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
        var random = new Random(15);
        var delays = Enumerable.Range(0, 500).Select(_ => backoff.Delay(30, random)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(2) * (1 - Backoff.DefaultJitter), TimeSpan.FromSeconds(2)));
        Assert.True(delays.Distinct().Count() > 100, "The delays do not vary.");
    }

    [Fact]
    public async Task A_loop_whose_pass_keeps_throwing_keeps_going_reports_why_and_is_healthy_again_after_a_success()
    {
        var status = new LoopStatuses(TimeProvider.System).For("test-loop");
        var check = new BackgroundLoopHealthCheck(status);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("test-loop", check, HealthStatus.Degraded, null) };
        var passes = 0;
        var recovered = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        HealthCheckResult? whileFailing = null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var backoff = new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(8));

        var loop = BackgroundLoop.RunAsync(status, backoff, async ct =>
        {
            passes++;
            if (passes == 40)
            {
                whileFailing = await check.CheckHealthAsync(context, ct);
            }

            if (passes <= 40)
            {
                // Each kind of fault a dependency or a bug can raise, including ones a narrow filter misses.
                throw (passes % 4) switch
                {
                    0 => new OverflowException("TimeSpan overflowed"),
                    1 => new InvalidOperationException("connection is broken"),
                    2 => new OperationCanceledException("a timeout of the dependency's own"),
                    _ => new NullReferenceException("a bug"),
                };
            }

            if (passes == 42)
            {
                recovered.TrySetResult(await check.CheckHealthAsync(context, ct));
            }

            return TimeSpan.FromMilliseconds(1);
        }, TimeProvider.System, NullLogger.Instance, stop.Token);

        var healthy = await recovered.Task.WaitAsync(stop.Token);
        Assert.False(loop.IsCompleted);
        Assert.NotNull(whileFailing);
        Assert.Equal(HealthStatus.Degraded, whileFailing.Value.Status);
        Assert.Contains("39 passes in a row", whileFailing.Value.Description);
        Assert.Contains("Failing since", whileFailing.Value.Description);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.False(status.Snapshot.IsFailing);

        await stop.CancelAsync();
        await loop; // ends quietly when the host stops
    }

    [Fact]
    public async Task A_loop_ends_when_its_pass_says_its_work_is_done()
    {
        var status = new LoopStatuses(TimeProvider.System).For("once");
        var passes = 0;
        await BackgroundLoop.RunAsync(status, new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)), _ =>
            Task.FromResult(++passes < 3 ? throw new HttpRequestException("refused") : BackgroundLoop.Done),
            TimeProvider.System, NullLogger.Instance, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, passes);
        Assert.False(status.Snapshot.IsFailing);
    }
}
