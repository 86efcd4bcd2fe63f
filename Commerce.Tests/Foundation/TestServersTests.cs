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
        await File.WriteAllTextAsync(Path.Combine(stale, "owner.pid"), "999999 1");
        await File.WriteAllTextAsync(Path.Combine(stale, "servers.pid"), orphan.Id + Environment.NewLine);

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
}
