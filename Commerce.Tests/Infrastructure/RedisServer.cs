using System.Diagnostics;

namespace Commerce.Tests.Infrastructure;

/// <summary>A throwaway Redis on a free loopback port, without persistence.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly ServerDirectory? _dir;
    private bool _ownsDir;
    private Process? _process;

    public int Port { get; }
    public string ConnectionString { get; }

    private RedisServer(ServerDirectory? dir, int port, string connectionString)
    {
        _dir = dir;
        Port = port;
        ConnectionString = connectionString;
    }

    public static async Task<RedisServer> StartAsync(ServerDirectory? dir = null)
    {
        if (Environment.GetEnvironmentVariable("COMMERCE_TEST_REDIS") is { Length: > 0 } existing)
        {
            return new RedisServer(null, 0, existing);
        }

        OsProcess.RequireExecutable(Binary, "redis-server");
        var ownsDir = dir is null;
        dir ??= ServerDirectory.Create("redis");
        var port = OsProcess.FreePort();
        var server = new RedisServer(dir, port, $"127.0.0.1:{port}") { _ownsDir = ownsDir };
        await server.LaunchAsync();
        return server;
    }

    private async Task LaunchAsync()
    {
        var work = _dir!.Sub($"redis-{Port}");
        var psi = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        foreach (var arg in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work, "--daemonize", "no", "--logfile", System.IO.Path.Combine(work, "redis.log")])
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start.");
        _dir.RecordPid(_process.Id);
        if (!await OsProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(15)))
        {
            throw new InvalidOperationException($"redis-server did not listen on port {Port}: see {work}/redis.log");
        }
    }

    /// <summary>Stops the server, keeping its port, to test what happens while Redis is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            await OsProcess.StopAsync(_process.Id, OsProcess.SigKill, TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts it again on the same port.</summary>
    public Task RestartAsync() => LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_dir is not null)
        {
            await StopAsync();
            _process?.Dispose();
            if (_ownsDir)
            {
                _dir.Delete();
            }
        }
    }
}
