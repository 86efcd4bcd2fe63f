using Npgsql;

namespace Commerce.Tests.Infrastructure;

/// <summary>A throwaway PostgreSQL 15 on a free loopback port, data in a temporary folder.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly ServerDirectory? _dir;
    private bool _ownsDir;
    private readonly string? _dataDir;
    private int _postmasterPid;
    private string? _runAsUser;

    public string Host { get; }
    public int Port { get; }
    public string Username { get; }
    public string Password { get; }

    /// <summary>The server's log file; null for a server this run did not start.</summary>
    public string? LogFile { get; private init; }

    private PostgresServer(ServerDirectory? dir, string? dataDir, string host, int port, string username, string password)
    {
        _dir = dir;
        _dataDir = dataDir;
        Host = host;
        Port = port;
        Username = username;
        Password = password;
    }

    /// <summary>The server named by <c>COMMERCE_TEST_POSTGRES</c>, or a new one.</summary>
    public static async Task<PostgresServer> StartAsync(ServerDirectory? dir = null)
    {
        if (Environment.GetEnvironmentVariable("COMMERCE_TEST_POSTGRES") is { Length: > 0 } existing)
        {
            var b = new NpgsqlConnectionStringBuilder(existing);
            return new PostgresServer(null, null, b.Host ?? "127.0.0.1", b.Port, b.Username ?? "postgres", b.Password ?? string.Empty);
        }

        OsProcess.RequireExecutable($"{BinDir}/initdb", "postgresql");
        var ownsDir = dir is null;
        dir ??= ServerDirectory.Create("pg");
        var root = dir.Sub("postgres");
        var dataDir = System.IO.Path.Combine(root, "data");
        var password = Guid.NewGuid().ToString("N");
        var pwFile = System.IO.Path.Combine(root, "pw");
        await File.WriteAllTextAsync(pwFile, password);
        var user = OsProcess.IsRoot ? "postgres" : null;
        if (user is not null)
        {
            await OsProcess.RunAsync("chown", ["-R", "postgres", root]);
        }

        await OsProcess.RunAsync($"{BinDir}/initdb",
            ["-D", dataDir, "-U", "postgres", "--pwfile", pwFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            runAsUser: user);
        // A port found free can be taken by another process before the server binds it (the suite
        // opens many connections at once): start again on another port when that happened.
        var log = System.IO.Path.Combine(root, "postgres.log");
        PostgresServer server;
        for (var attempt = 1; ; attempt++)
        {
            var port = OsProcess.FreePort();
            server = new PostgresServer(dir, dataDir, "127.0.0.1", port, "postgres", password) { _ownsDir = ownsDir, _runAsUser = user, LogFile = log };
            try
            {
                await server.LaunchAsync();
                break;
            }
            catch (InvalidOperationException ex)
            {
                var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
                if (attempt < 3 && serverLog.Contains("could not bind", StringComparison.Ordinal))
                {
                    await File.WriteAllTextAsync(log, string.Empty);
                    continue;
                }

                throw new InvalidOperationException($"{ex.Message}\nServer log:\n{(serverLog.Length > 4000 ? serverLog[^4000..] : serverLog)}", ex);
            }
        }

        return server;
    }

    private async Task LaunchAsync()
    {
        var root = System.IO.Path.GetDirectoryName(_dataDir)!;
        await OsProcess.RunAsync($"{BinDir}/pg_ctl",
            ["-D", _dataDir!, "-l", System.IO.Path.Combine(root, "postgres.log"), "-w", "-t", "30",
             "-o", $"-p {Port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000 -c shared_buffers=128MB", "start"],
            runAsUser: _runAsUser);
        _postmasterPid = int.Parse((await File.ReadAllLinesAsync(System.IO.Path.Combine(_dataDir!, "postmaster.pid")))[0]);
        _dir!.RecordPid(_postmasterPid);
    }

    /// <summary>
    /// Crashes the server (immediate shutdown, as an outage would), keeping its data and port. Test
    /// servers run with <c>synchronous_commit=off</c>, so a checkpoint first keeps what a production
    /// server's synchronous commits would have kept: every transaction committed before the crash.
    /// </summary>
    public async Task StopAsync()
    {
        if (_dir is null)
        {
            throw new InvalidOperationException("Only a server the tests started can be stopped.");
        }

        await using (var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync();
        }

        await OsProcess.StopAsync(_postmasterPid, OsProcess.SigQuit, TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts a stopped server again on the same port and data (with crash recovery).</summary>
    public Task RestartAsync() => LaunchAsync();

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = database,
        // A run starts and stops many services, each with its own pool: idle connections go quickly.
        ConnectionIdleLifetime = 10,
        ConnectionPruningInterval = 5,
    }.ConnectionString;

    /// <summary>A database name no other test uses.</summary>
    public static string UniqueDatabaseName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    public async ValueTask DisposeAsync()
    {
        if (_dir is null)
        {
            return;
        }

        // SIGQUIT is PostgreSQL's immediate shutdown: the data is thrown away anyway.
        await OsProcess.StopAsync(_postmasterPid, OsProcess.SigQuit, TimeSpan.FromSeconds(10));
        if (_ownsDir)
        {
            _dir.Delete();
        }
    }
}
