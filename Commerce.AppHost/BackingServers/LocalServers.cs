using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Commerce.AppHost.BackingServers;

/// <summary>
/// PostgreSQL 15, Redis and RabbitMQ from the Debian packages as Aspire executables, for machines
/// without a container runtime. Each keeps its data under one folder between runs, listens on
/// 127.0.0.1 only, on a fixed port, and gets the health check Aspire's own integration registers
/// for its container, so <c>WaitFor</c> waits until it really serves.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LocalServers
{
    private const string PostgresBin = "/usr/lib/postgresql/15/bin";
    private const string RabbitMqBin = "/usr/lib/rabbitmq/bin";

    /// <summary>The local PostgreSQL's connection limit: six service pools of 25, and room for tools and migrations.</summary>
    public const int MaxConnections = 200;

    public static IResourceBuilder<LocalServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder,
        string name, string dataRoot, int port, IResourceBuilder<ParameterResource> password)
    {
        RequireExecutable($"{PostgresBin}/postgres", "postgresql");
        var home = Path.Combine(dataRoot, name);
        var data = Path.Combine(home, "data");
        var postgres = new LocalServerResource(name, IsRoot ? "runuser" : $"{PostgresBin}/postgres", home,
            ReferenceExpression.Create($"Host=127.0.0.1;Port={port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={password.Resource}"));

        string? connectionString = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(postgres, async (e, ct) =>
        {
            connectionString = await postgres.ConnectionStringExpression.GetValueAsync(ct);
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(postgres);
            await InitDbAsync(home, data, await password.Resource.GetValueAsync(ct) ?? string.Empty, logger, ct);
        });
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name} has not started yet."), name: healthCheck);

        // PostgreSQL refuses to run as root: as root it runs as the postgres user, as the package's
        // own service does. TCP on loopback only; no Unix socket, so nothing is written outside its folder.
        // Room for every service's pool (at most 25 connections each) with Catalog and Ordering at two
        // replicas: six pools. PostgreSQL's default of 100 refused connections ("too many clients") to a
        // restarting replica in the two-replica chaos drill, and its consumers parked orders' events.
        string[] server = [$"{PostgresBin}/postgres", "-D", data, "-p", Port(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", $"max_connections={MaxConnections}"];
        return builder.AddResource(postgres)
            .WithArgs(IsRoot ? ["-u", "postgres", "--", .. server] : server)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithIconName("Database")
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// A database on the server, shown in the dashboard with the server's state: Aspire passes a
    /// parent's state on to its children only for containers, and left alone these showed "Unknown".
    /// </summary>
    public static IResourceBuilder<LocalDatabaseResource> AddLocalDatabase(this IResourceBuilder<LocalServerResource> server, string name) =>
        server.ApplicationBuilder.AddResource(new LocalDatabaseResource(name, server.Resource))
            .WithIconName("Database")
            .ExcludeFromManifest()
            .OnInitializeResource((database, initialize, cancellationToken) =>
            {
                var stopping = initialize.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                _ = FollowServerStateAsync(database, initialize.Notifications, initialize.Logger, stopping);
                return Task.CompletedTask;
            });

    private static async Task FollowServerStateAsync(LocalDatabaseResource database, ResourceNotificationService notifications,
        ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource == database.Parent)
                {
                    await notifications.PublishUpdateAsync(database, s => s with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The database no longer follows its server's state in the dashboard");
        }
    }

    public static IResourceBuilder<LocalServerResource> AddLocalRedis(this IDistributedApplicationBuilder builder,
        string name, string dataRoot, int port, IResourceBuilder<ParameterResource> password)
    {
        var redisServer = RequireOnPath("redis-server", "redis-server");
        var home = Path.Combine(dataRoot, name);
        var config = Path.Combine(home, "redis.conf");
        var redis = new LocalServerResource(name, redisServer, home,
            ReferenceExpression.Create($"127.0.0.1:{Port(port)},password={password.Resource}"));

        string? connectionString = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, ct) =>
        {
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct);
            // The password goes in a file only its owner reads, not on the command line for `ps` to show.
            // The append-only file keeps carts across restarts.
            await WritePrivateFileAsync(config, $"""
                port {Port(port)}
                bind 127.0.0.1
                protected-mode yes
                dir "{home}"
                appendonly yes
                appendfsync everysec
                save ""
                daemonize no
                requirepass {await password.Resource.GetValueAsync(ct)}

                """, ct);
        });
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException($"{name} has not started yet."), name: healthCheck);

        return builder.AddResource(redis)
            .WithArgs(config)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithIconName("Database")
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// RabbitMQ with the management plugin, and its Erlang port mapper (epmd) as a resource of its own.
    /// Left to itself the broker starts <c>epmd -daemon</c>, which detaches and outlives every run; here
    /// epmd runs in the foreground under DCP, which stops it with the rest, and the broker is told not
    /// to start one (<c>-start_epmd false</c>).
    /// </summary>
    public static IResourceBuilder<LocalServerResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder,
        string name, string dataRoot, int port, int managementPort, int distributionPort, int epmdPort,
        IResourceBuilder<ParameterResource> password)
    {
        RequireExecutable($"{RabbitMqBin}/rabbitmq-server", "rabbitmq-server");
        var epmdCommand = RequireOnPath("epmd", "erlang-base");
        var home = Path.Combine(dataRoot, name);
        var rabbit = new LocalServerResource(name, $"{RabbitMqBin}/rabbitmq-server", home,
            ReferenceExpression.Create($"amqp://commerce:{password.Resource}@127.0.0.1:{Port(port)}"));

        var epmdHealthCheck = $"{name}-epmd_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(epmdHealthCheck, _ => new EpmdHealthCheck(epmdPort), null, null));
        var epmd = builder.AddExecutable($"{name}-epmd", epmdCommand, dataRoot, "-port", Port(epmdPort), "-address", "127.0.0.1")
            .WithHealthCheck(epmdHealthCheck)
            .WithIconName("PlugConnected")
            .ExcludeFromManifest();

        string? connectionString = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(rabbit, async (_, ct) =>
        {
            connectionString = await rabbit.ConnectionStringExpression.GetValueAsync(ct);
            Directory.CreateDirectory(home);
            // The user and password apply when the node is first created.
            await WritePrivateFileAsync(Path.Combine(home, "rabbitmq.conf"), $"""
                listeners.tcp.default = 127.0.0.1:{Port(port)}
                management.tcp.ip = 127.0.0.1
                management.tcp.port = {Port(managementPort)}
                default_user = commerce
                default_pass = {await password.Resource.GetValueAsync(ct)}
                default_vhost = /
                log.console = true
                log.console.level = info
                log.file = false

                """, ct);
            await File.WriteAllTextAsync(Path.Combine(home, "enabled_plugins"), "[rabbitmq_management].", ct);
        });
        var healthCheck = $"{name}_check";
        IConnection? connection = null;
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ =>
            connection ??= await new ConnectionFactory { Uri = new Uri(connectionString ?? throw new InvalidOperationException($"{name} has not started yet.")) }
                .CreateConnectionAsync(), name: healthCheck);

        return builder.AddResource(rabbit)
            // The script in /usr/sbin switches user and drops the environment; this one does neither.
            .WithEnvironment("HOME", home)
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(home, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(home, "log"))
            .WithEnvironment("RABBITMQ_NODENAME", $"{name}@localhost")
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODE_PORT", Port(port))
            .WithEnvironment("RABBITMQ_DIST_PORT", Port(distributionPort))
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(home, "rabbit.pid"))
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(home, "rabbitmq"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(home, "enabled_plugins"))
            .WithEnvironment("ERL_EPMD_PORT", Port(epmdPort))
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false")
            // Every Erlang VM the broker starts (its start-up's epmd probe among them), not only the node:
            // one that found epmd away for a moment started `epmd -daemon`, which outlived the run.
            .WithEnvironment("ERL_FLAGS", "-start_epmd false")
            .WithEndpoint(port: port, targetPort: port, scheme: "amqp", name: "tcp", isProxied: false)
            .WithHttpEndpoint(port: managementPort, targetPort: managementPort, name: "management", isProxied: false)
            .WithIconName("MailMultiple")
            .WithHealthCheck(healthCheck)
            .WaitFor(epmd)
            .ExcludeFromManifest();
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The one-time <c>initdb</c> of the data folder, as the user the server runs as.</summary>
    private static async Task InitDbAsync(string home, string data, string password, Microsoft.Extensions.Logging.ILogger logger, CancellationToken ct)
    {
        Directory.CreateDirectory(home);
        // The postgres user must reach its folder: the data root and the server's folder are open to
        // traversal (the data itself stays private to postgres, initdb sees to that).
        foreach (var dir in new[] { Path.GetDirectoryName(home)!, home })
        {
            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }

        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres", home], ct);
        }

        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            return;
        }

        logger.LogInformation("Creating the PostgreSQL cluster in {Data} (first start)", data);
        var passwordFile = Path.Combine(home, "initdb-password");
        await WritePrivateFileAsync(passwordFile, password + "\n", ct);
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", ["postgres", passwordFile], ct);
            }

            string[] initdb = [$"{PostgresBin}/initdb", "-D", data, "-U", "postgres", "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--locale=C.UTF-8"];
            await (IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", .. initdb], ct) : RunAsync(initdb[0], initdb[1..], ct));
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new DistributedApplicationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{file} {string.Join(' ', psi.ArgumentList)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (File.Create(path))
        {
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, content, ct);
    }

    private static void RequireExecutable(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new DistributedApplicationException(
                $"{path} is missing: install it with `sudo apt-get install -y {package}` (./run.sh does), or run with a container runtime and {BackingServerModeChoice.Key}=containers.");
        }
    }

    private static string RequireOnPath(string command, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        RequireExecutable($"/usr/bin/{command}", package);
        return $"/usr/bin/{command}";
    }

    /// <summary>
    /// Healthy while epmd answers a NAMES request on its loopback port (a bare connection that sends
    /// nothing makes it log "got partial packet only" at every check).
    /// </summary>
    private sealed class EpmdHealthCheck(int port) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                var stream = client.GetStream();
                // NAMES_REQ: a two-byte length (1), then 'n'. The answer starts with epmd's port.
                await stream.WriteAsync(new byte[] { 0, 1, (byte)'n' }, cancellationToken);
                var answer = new byte[4];
                await stream.ReadExactlyAsync(answer, cancellationToken);
                return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(answer) == port
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"something else answers on 127.0.0.1:{port}");
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                return HealthCheckResult.Unhealthy($"epmd does not answer on 127.0.0.1:{port}", ex);
            }
        }
    }
}
