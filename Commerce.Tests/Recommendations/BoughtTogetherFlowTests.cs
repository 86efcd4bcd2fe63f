using Commerce.Tests.Infrastructure;
using Commerce.Tests.Ordering;

namespace Commerce.Tests.Recommendations;

/// <summary>The whole path: a buyer checks out A and B through Cart and Ordering, pays, and B shows up under A.</summary>
public sealed class BoughtTogetherFlowTests
{
    [Fact]
    public async Task Buying_a_and_b_together_makes_b_appear_under_a()
    {
        var servers = await TestServers.GetAsync();
        var messaging = await servers.RabbitMq.CreateVirtualHostAsync($"rec-flow-{Guid.NewGuid():N}");
        await using var shop = await ShopServices.StartAsync(messaging);
        await using var recommendations = await RecommendationsService.StartAsync(messaging, shop.Catalog.BaseAddress);
        using var client = recommendations.CreateClient();

        var a = await shop.CreateProductAsync(12m, 50, "Espresso machine");
        var b = await shop.CreateProductAsync(4m, 50, "Coffee beans");
        Assert.DoesNotContain(await RecommendationsService.RecommendedAsync(client, a), r => r.Id == b);

        var buyer = $"buyer-{Guid.NewGuid():N}";
        await shop.AddToCartAsync(buyer, a, 1);
        await shop.AddToCartAsync(buyer, b, 2);
        using var checkout = await shop.CheckoutAsync(buyer, Guid.NewGuid().ToString());
        Assert.Equal(System.Net.HttpStatusCode.Accepted, checkout.StatusCode);
        var orderId = (await Catalog.CatalogService.JsonAsync(checkout)).GetProperty("id").GetGuid();
        var order = await shop.WaitForFinalAsync(buyer, orderId);
        Assert.Equal("Paid", order.GetProperty("status").GetString());

        await RecommendationsService.WaitForAsync(async () =>
            (await RecommendationsService.RecommendedAsync(client, a)).Contains((b, "bought-together")), $"product {b} to be recommended under {a}");
        Assert.Equal((a, "bought-together"), (await RecommendationsService.RecommendedAsync(client, b))[0]);
        var trending = await RecommendationsService.TrendingAsync(client, "?take=24");
        Assert.Contains(trending.GetProperty("items").EnumerateArray(), i => i.GetProperty("productId").GetInt32() == b && i.GetProperty("units").GetInt32() == 2);
    }
}
