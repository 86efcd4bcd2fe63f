using System.Diagnostics;
using Commerce.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Commerce.Tests.Foundation;

public sealed class TestServersTests(ITestOutputHelper output)
{
    [Fact]
    public async Task All_three_shared_servers_answer()
    {
        var servers = await TestServers.GetAsync();
        output.WriteLine($"PostgreSQL, Redis and RabbitMQ were ready {servers.StartupTime.TotalSeconds:0.0} s after the first test asked for them.");

        await using (var conn = new NpgsqlConnection(servers.Postgres.ConnectionString("postgres")))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SHOW server_version", conn);
            Assert.StartsWith("15.", (string)(await cmd.ExecuteScalarAsync())!);
        }

        using (var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString))
        {
            var db = redis.GetDatabase();
            await db.StringSetAsync("fixture-check", "ok");
            Assert.Equal("ok", (string?)await db.StringGetAsync("fixture-check"));
        }

        var vhost = await servers.RabbitMq.CreateVirtualHostAsync($"fixture-{Guid.NewGuid():N}");
        Assert.StartsWith("amqp://", vhost);
        var status = await servers.RabbitMq.CtlAsync(["list_vhosts"]);
        Assert.Contains("fixture-", status);
    }

    [Fact]
    public async Task A_crashed_runs_servers_are_stopped_and_removed()
    {
        // A folder as a crashed run leaves it: an owner that is gone and a server still running.
        var root = Path.Combine(Path.GetTempPath(), "commerce-tests");
        var stale = Path.Combine(root, $"crashed-{Guid.NewGuid():N}");
        Directory.CreateDirectory(stale);
        using var orphan = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        // Servers first: a run cleaning up in parallel that sees the dead owner must also see the server
        // to stop (the other order once let it remove the folder before the pid was written).
        await File.WriteAllTextAsync(Path.Combine(stale, "servers.pid"), orphan.Id + Environment.NewLine);
        await File.WriteAllTextAsync(Path.Combine(stale, "owner.pid"), "999999 1");

        // Starting any server cleans up first.
        await using var redis = await RedisServer.StartAsync();

        Assert.False(Directory.Exists(stale), "the crashed run's folder should be gone");
        Assert.True(orphan.WaitForExit(5000), "the crashed run's server process should be stopped");
    }

    [Fact]
    public async Task A_dedicated_server_leaves_nothing_behind()
    {
        var redis = await RedisServer.StartAsync();
        var port = redis.Port;
        Assert.True(await OsProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(1)));
        await redis.DisposeAsync();
        Assert.False(await OsProcess.WaitForPortAsync(port, TimeSpan.FromMilliseconds(300)), "Redis should no longer listen");
    }

    [Fact]
    public async Task A_RabbitMQ_node_starts_no_detached_epmd_and_leaves_no_port_mapper_behind()
    {
        var rabbit = await RabbitMqServer.StartAsync();
        var epmdPort = rabbit.EpmdPort;
        try
        {
            // rabbitmqctl boots an Erlang node of its own, which would start an epmd too.
            await rabbit.CtlAsync(["status"]);
            Assert.True(await OsProcess.WaitForPortAsync(epmdPort, TimeSpan.FromSeconds(1)), "the node's epmd should listen while it runs");
            Assert.Empty(DaemonizedEpmd(epmdPort));
        }
        finally
        {
            await rabbit.DisposeAsync();
        }

        Assert.False(await OsProcess.WaitForPortAsync(epmdPort, TimeSpan.FromMilliseconds(300)), $"something still listens on the epmd port {epmdPort}");
        Assert.Empty(DaemonizedEpmd(epmdPort));
    }

    /// <summary>
    /// The <c>epmd -daemon</c> processes Erlang started for this port: they carry the port in their
    /// environment (the tests' own epmd gets it as an argument) and detach from whoever started them.
    /// </summary>
    private static List<string> DaemonizedEpmd(int port)
    {
        var found = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                if (Path.GetFileName(cmdline.Split(' ')[0]) == "epmd"
                    && File.ReadAllText(Path.Combine(proc, "environ")).Split('\0').Contains($"ERL_EPMD_PORT={port}"))
                {
                    found.Add($"{Path.GetFileName(proc)}: {cmdline}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return found;
    }
}
