using System.Net;
using System.Net.Http.Json;
using Commerce.Cart.Domain;
using Commerce.Cart.Storage;
using Commerce.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Commerce.Tests.Cart;

/// <summary>What the cart does when what it depends on goes away; each test has its own services.</summary>
public sealed class CartOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_catalog_stopped_reads_answer_with_the_last_prices_and_adds_get_503_with_retry_after()
    {
        await using var services = await CartServices.StartAsync();
        var products = await services.ProductsAsync(3);
        var buyer = $"buyer-{Guid.NewGuid():N}";
        using var client = services.CartClient(buyer);
        await (await client.SetQuantityAsync(products[0].Id(), 2)).ReadJsonAsync();
        await (await client.SetQuantityAsync(products[1].Id(), 1)).ReadJsonAsync();

        // The cart hears of a new price on a read, then Catalog goes away.
        var newPrice = products[0].Price() + 1.50m;
        await services.SetPriceAsync(products[0].Id(), newPrice);
        Assert.Equal(newPrice, (await client.GetCartAsync()).Lines()[0].GetProperty("unitPrice").GetDecimal());
        await services.StopCatalogAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cart = await client.GetCartAsync();
        output.WriteLine($"First read with Catalog stopped answered in {clock.ElapsedMilliseconds} ms (retries included).");
        Assert.False(cart.GetProperty("pricesVerified").GetBoolean());
        Assert.Equal(["CatalogUnavailable"], cart.WarningCodes());
        Assert.Equal([products[0].Id(), products[1].Id()], cart.Lines().Select(l => l.GetProperty("productId").GetInt32()));
        Assert.All(cart.Lines(), l => Assert.Equal(["PriceNotVerified"], l.WarningCodes()));
        // The last price seen, not the price when added, with the price seen kept for comparison.
        Assert.Equal(newPrice, cart.Lines()[0].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(products[0].Price(), cart.Lines()[0].GetProperty("priceSeen").GetDecimal());
        Assert.Equal(products[1].Price(), cart.Lines()[1].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(products[0].GetProperty("name").GetString(), cart.Lines()[0].GetProperty("name").GetString());
        Assert.Equal(newPrice * 2 + products[1].Price(), cart.GetProperty("total").GetDecimal());

        // Nothing can be added or changed without Catalog confirming it: 503, Retry-After, cart unchanged.
        foreach (var (id, quantity) in new[] { (products[2].Id(), 1), (products[0].Id(), 5) })
        {
            var response = await client.SetQuantityAsync(id, quantity);
            var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("not changed", problem.GetProperty("detail").GetString());
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        }

        cart = await client.GetCartAsync();
        Assert.Equal([2, 1], cart.Lines().Select(l => l.GetProperty("quantity").GetInt32()));

        // Removing needs no verification.
        cart = await (await client.DeleteAsync($"api/cart/items/{products[1].Id()}")).ReadJsonAsync();
        Assert.Equal([products[0].Id()], cart.Lines().Select(l => l.GetProperty("productId").GetInt32()));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("api/cart")).StatusCode);
    }

    [Fact]
    public async Task A_catalog_slower_than_the_cart_waits_for_counts_as_unreachable()
    {
        // Catalog is up, but the path to it hangs: no answer within the cart's timeout, so writes are refused and reads fall back.
        TcpProxy? toCatalog = null;
        await using var services = await CartServices.StartAsync(
            new Dictionary<string, string?> { ["Cart:CatalogTimeout"] = "00:00:00.300" },
            routeToCatalog: catalog =>
            {
                toCatalog = TcpProxy.Start(catalog.Host, catalog.Port);
                toCatalog.Freeze();
                return new Uri($"http://127.0.0.1:{toCatalog.Port}/");
            });
        await using var hangingPath = toCatalog!;
        var product = (await services.ProductsAsync(1))[0];
        var buyer = $"buyer-{Guid.NewGuid():N}";
        using var client = services.CartClient(buyer);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await client.SetQuantityAsync(product.Id(), 1);
        await refused.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(refused.Headers.RetryAfter);
        // The suite's default timeout is 10 s; an answer well before it shows the configured one applied.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the refusal took {clock.Elapsed}");
        Assert.False(await services.Redis.KeyExistsAsync(services.CartKey(buyer)));

        // A line stored earlier (as if added while Catalog was quick) reads with its last price.
        var store = services.Cart.App.Services.GetRequiredService<CartStore>();
        await store.SetLineAsync(buyer, new CartLine(product.Id(), 2, 10.00m, 12.00m, "EUR", "Stored", DateTimeOffset.UtcNow), 100, default);
        var cart = await client.GetCartAsync();
        Assert.False(cart.GetProperty("pricesVerified").GetBoolean());
        Assert.Equal(12.00m, cart.Lines()[0].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(24.00m, cart.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task With_redis_stopped_the_cart_answers_503_and_recovers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var services = await CartServices.StartAsync(redisConnectionString: redis.ConnectionString);
        var product = (await services.ProductsAsync(1))[0];
        using var client = services.CartClient($"buyer-{Guid.NewGuid():N}");
        await (await client.SetQuantityAsync(product.Id(), 1)).ReadJsonAsync();

        await redis.StopAsync();

        var read = await client.GetAsync("api/cart");
        await read.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(read.Headers.RetryAfter);
        await (await client.SetQuantityAsync(product.Id(), 2)).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        using var anonymous = services.Cart.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("health")).StatusCode);

        await redis.RestartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage again;
        do
        {
            await Task.Delay(250);
            again = await client.GetAsync("api/cart");
        }
        while (again.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        // The restarted Redis kept nothing (no persistence), but the cart works again.
        Assert.Empty((await again.ReadJsonAsync()).Lines());
        await (await client.SetQuantityAsync(product.Id(), 2)).ReadJsonAsync();
    }

    [Fact]
    public async Task Limits_are_configurable_and_a_full_cart_refuses_new_products_with_409()
    {
        await using var services = await CartServices.StartAsync(new Dictionary<string, string?>
        {
            ["Cart:MaxLines"] = "2",
            ["Cart:MaxQuantity"] = "3",
        });
        var products = await services.ProductsAsync(3);
        using var client = services.CartClient($"buyer-{Guid.NewGuid():N}");
        await (await client.SetQuantityAsync(products[0].Id(), 3)).ReadJsonAsync();
        await (await client.SetQuantityAsync(products[1].Id(), 1)).ReadJsonAsync();

        var full = await (await client.SetQuantityAsync(products[2].Id(), 1)).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("2 different products", full.GetProperty("detail").GetString());
        var tooMany = await (await client.SetQuantityAsync(products[1].Id(), 4)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("limit of 3", tooMany.GetProperty("detail").GetString());

        // Lines already in a full cart can still change.
        var cart = await (await client.SetQuantityAsync(products[1].Id(), 2)).ReadJsonAsync();
        Assert.Equal([3, 2], cart.Lines().Select(l => l.GetProperty("quantity").GetInt32()));
    }

    [Fact]
    public async Task Invalid_limits_stop_the_service_at_start_with_the_setting_to_fix()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => CartServices.StartAsync(new Dictionary<string, string?> { ["Cart:MaxLines"] = "0" }));
        Assert.Contains("Cart:MaxLines", ex.ToString());
    }
}
