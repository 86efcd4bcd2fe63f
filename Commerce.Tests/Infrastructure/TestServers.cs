namespace Commerce.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL, Redis and RabbitMQ servers shared by the whole test run: started once, in
/// parallel, on first use; stopped and removed when the test process exits. Tests that take a
/// server down start their own instead.
/// </summary>
public sealed class TestServers
{
    private static readonly Lazy<Task<TestServers>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public required PostgresServer Postgres { get; init; }
    public required RedisServer Redis { get; init; }
    public required RabbitMqServer RabbitMq { get; init; }
    public required TimeSpan StartupTime { get; init; }

    public static Task<TestServers> GetAsync() => Instance.Value;

    private static async Task<TestServers> StartAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var dir = ServerDirectory.Create("shared");
        var postgres = PostgresServer.StartAsync(dir);
        var redis = RedisServer.StartAsync(dir);
        var rabbit = RabbitMqServer.StartAsync(dir);
        try
        {
            await Task.WhenAll(postgres, redis, rabbit);
        }
        catch
        {
            await dir.StopRecordedAsync();
            dir.Delete();
            throw;
        }

        var servers = new TestServers
        {
            Postgres = postgres.Result,
            Redis = redis.Result,
            RabbitMq = rabbit.Result,
            StartupTime = started.Elapsed,
        };
        // The folder's reaper stops the servers and removes it once this process has exited;
        // stopping them here as well just makes that immediate.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => dir.SignalRecorded(OsProcess.SigQuit);
        return servers;
    }
}
