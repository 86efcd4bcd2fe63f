using System.Diagnostics;
using System.Net;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Cart;

/// <summary>The Cart reaches a Redis that demands a password given as <c>password=</c> in the connection string.</summary>
public sealed class CartRedisPasswordTests : IAsyncLifetime
{
    private readonly string _password = Guid.NewGuid().ToString("N");
    private ServerDirectory _dir = null!;
    private Process _redis = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        OsProcess.RequireExecutable("/usr/bin/redis-server", "redis-server");
        _dir = ServerDirectory.Create("redis-password");
        _port = OsProcess.FreePort();
        var psi = new ProcessStartInfo("/usr/bin/redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in (string[])["--port", _port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", _dir.Path, "--requirepass", _password])
        {
            psi.ArgumentList.Add(arg);
        }

        _redis = Process.Start(psi)!;
        _dir.RecordPid(_redis.Id);
        Assert.True(await OsProcess.WaitForPortAsync(_port, TimeSpan.FromSeconds(15)), "redis-server with a password did not start");
    }

    public async Task DisposeAsync()
    {
        await OsProcess.StopAsync(_redis.Id, OsProcess.SigKill, TimeSpan.FromSeconds(5));
        _redis.Dispose();
        _dir.Delete();
    }

    [Fact]
    public async Task The_password_in_the_connection_string_is_used_and_a_wrong_one_is_unhealthy()
    {
        await using (var services = await CartServices.StartAsync(redisConnectionString: $"127.0.0.1:{_port},password={_password}"))
        {
            var product = (await services.ProductsAsync(1))[0];
            using var client = services.CartClient($"buyer-{Guid.NewGuid():N}");
            await (await client.SetQuantityAsync(product.Id(), 1)).ReadJsonAsync();
            Assert.Single((await client.GetCartAsync()).Lines());
        }

        await using var wrong = await CartServices.StartAsync(
            redisConnectionString: $"127.0.0.1:{_port},password=wrong",
            connectTestClient: false);
        using var anonymous = wrong.Cart.CreateClient();
        var health = await anonymous.GetAsync("health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var buyer = wrong.CartClient("buyer-1");
        await (await buyer.GetAsync("api/cart")).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
    }
}
