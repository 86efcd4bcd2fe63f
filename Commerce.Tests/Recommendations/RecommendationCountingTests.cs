using System.Net;
using Commerce.Contracts;
using Commerce.Tests.Catalog;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Recommendations;

/// <summary>
/// Recommendations fed by order events over the real broker: what it counts after a known sequence
/// of orders delivered with duplicates, rewrites, out of order and replayed; the cold-start
/// fallback; and the API's answers to good and bad input.
/// </summary>
public sealed class RecommendationCountingTests(RecommendationsService service) : IClassFixture<RecommendationsService>
{
    private IBus Bus => service.App.App.Services.GetRequiredService<IBus>();

    private static OrderSubmitted Submitted(Guid order, params (int Product, int Quantity)[] lines) =>
        new(order, "buyer-rec", lines.Select(l => new OrderSubmittedLine(l.Product, l.Quantity, 10m)).ToList(), "USD");

    [Fact]
    public async Task Paid_orders_count_once_whatever_is_delivered_twice_out_of_order_or_replayed()
    {
        var category = $"Garden {Guid.NewGuid():N}"[..20];
        var (a, b, c, d) = (await Product(category), await Product(category), await Product(category), await Product(category));
        Guid o1 = Guid.NewGuid(), o2 = Guid.NewGuid(), o3 = Guid.NewGuid(), o4 = Guid.NewGuid(), o5 = Guid.NewGuid();

        var s1 = Submitted(o1, (a, 1), (b, 2));
        var p1 = new OrderPaid(o1);
        var p2 = new OrderPaid(o2);
        var s2 = Submitted(o2, (a, 1), (b, 1), (c, 1));
        var p2Again = new OrderPaid(o2); // the same payment written twice: another event id
        var s3 = Submitted(o3, (a, 3), (c, 1));
        var p3 = new OrderPaid(o3);
        var s4 = Submitted(o4, (a, 1), (d, 5));
        var c4 = new OrderCancelled(o4, "Payment declined.");
        var p4Late = new OrderPaid(o4);
        var s5 = Submitted(o5, (b, 1), (d, 1)); // never paid
        object[] sequence = [s1, p1, p1, p2, s2, p2Again, s3, s3, p3, s4, c4, p4Late, s5];
        foreach (var message in sequence)
        {
            await Bus.Publish(message, message.GetType());
        }

        await RecommendationsService.WaitForAsync(async () =>
                await service.UnitsSoldAsync(a) == 5 && await service.PairCountAsync(a, b) == 2 && await service.PairCountAsync(a, c) == 2,
            "orders 1-3 to be counted");
        await Task.Delay(1000);
        await AssertCountsAsync();

        // Everything again, as an operator replaying the error queues or a relay resending would.
        foreach (var message in sequence)
        {
            await Bus.Publish(message, message.GetType());
        }

        var sentinel = await Product(category);
        var o6 = Guid.NewGuid();
        await Bus.Publish(Submitted(o6, (sentinel, 1)));
        await Bus.Publish(new OrderPaid(o6));
        await RecommendationsService.WaitForAsync(async () => await service.UnitsSoldAsync(sentinel) == 1, "the order after the replay to be counted");
        await Task.Delay(1000);
        await AssertCountsAsync();

        // What the API makes of it: B and C were each bought with A twice; B sells more, so first.
        await RecommendationsService.WaitForAsync(async () =>
                (await RecommendationsService.RecommendedAsync(service.Client, a)).Count == 3, "A's recommendations to include the sentinel's category sale");
        var forA = await RecommendationsService.RecommendedAsync(service.Client, a);
        Assert.Equal([(b, "bought-together"), (c, "bought-together"), (sentinel, "category-best-seller")], forA);

        var trending = await RecommendationsService.TrendingAsync(service.Client, $"?take=24&category={Uri.EscapeDataString(category)}");
        var ranked = trending.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("productId").GetInt32(), i.GetProperty("units").GetInt32())).ToList();
        Assert.Equal([(a, 5), (b, 3), (c, 2), (sentinel, 1)], ranked);
        Assert.Equal(60, trending.GetProperty("windowMinutes").GetInt32());

        async Task AssertCountsAsync()
        {
            Assert.Equal((5L, 3L, 2L, 0L), (await service.UnitsSoldAsync(a), await service.UnitsSoldAsync(b), await service.UnitsSoldAsync(c), await service.UnitsSoldAsync(d)));
            Assert.Equal((2, 2), (await service.PairCountAsync(a, b), await service.PairCountAsync(b, a)));
            Assert.Equal((2, 2), (await service.PairCountAsync(a, c), await service.PairCountAsync(c, a)));
            Assert.Equal((1, 1), (await service.PairCountAsync(b, c), await service.PairCountAsync(c, b)));
            Assert.Equal((0, 0, 0), (await service.PairCountAsync(a, d), await service.PairCountAsync(d, a), await service.PairCountAsync(b, d)));
        }
    }

    [Fact]
    public async Task A_product_nobody_bought_yet_gets_the_best_sellers_of_its_category()
    {
        var category = $"Kitchen {Guid.NewGuid():N}"[..20];
        var (cold, best, second) = (await Product(category), await Product(category), await Product(category));
        var elsewhere = await Product($"Other {Guid.NewGuid():N}"[..20]);
        await Order((best, 5));
        await Order((second, 2));
        await Order((elsewhere, 9));

        await RecommendationsService.WaitForAsync(async () =>
            (await RecommendationsService.RecommendedAsync(service.Client, cold)).Count == 2, "the category's best sellers to be known");
        Assert.Equal([(best, "category-best-seller"), (second, "category-best-seller")], await RecommendationsService.RecommendedAsync(service.Client, cold));
        Assert.Equal([(best, "category-best-seller")], await RecommendationsService.RecommendedAsync(service.Client, cold, take: 1));
        // A best seller is never recommended for itself.
        Assert.Equal([(second, "category-best-seller")], await RecommendationsService.RecommendedAsync(service.Client, best));

        // A category with no sales at all: an empty list, not an error.
        var lonely = await Product($"Empty {Guid.NewGuid():N}"[..20]);
        Assert.Empty(await RecommendationsService.RecommendedAsync(service.Client, lonely));
    }

    [Theory]
    [InlineData("api/recommendations/products/0")]
    [InlineData("api/recommendations/products/-3")]
    [InlineData("api/recommendations/products/abc")]
    [InlineData("api/recommendations/products/1?take=0")]
    [InlineData("api/recommendations/products/1?take=25")]
    [InlineData("api/recommendations/products/1?take=four")]
    [InlineData("api/recommendations/trending?take=-1")]
    [InlineData("api/recommendations/trending?take=1000")]
    [InlineData("api/recommendations/trending?category=%20")]
    public async Task Bad_input_is_refused_with_a_400_problem(string path)
    {
        using var response = await service.Client.GetAsync(path);
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Null(response.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task A_product_catalog_does_not_know_is_a_404_problem_and_answers_are_publicly_cacheable()
    {
        using var missing = await service.Client.GetAsync("api/recommendations/products/987654321");
        var body = await CatalogService.JsonAsync(missing);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("987654321", body.GetProperty("detail").GetString());

        using var trending = await service.Client.GetAsync("api/recommendations/trending?take=3");
        Assert.Equal(HttpStatusCode.OK, trending.StatusCode);
        Assert.True(trending.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromSeconds(1), trending.Headers.CacheControl?.MaxAge);
        Assert.True((await CatalogService.JsonAsync(trending)).GetProperty("items").GetArrayLength() <= 3);
    }

    [Fact]
    public async Task The_api_describes_itself_in_openapi_in_development()
    {
        await using var development = await RecommendationsService.StartAsync(service.Messaging, service.Catalog.BaseAddress,
            new Dictionary<string, string?> { ["environment"] = "Development" });
        using var client = development.CreateClient();
        var document = await CatalogService.JsonAsync(await client.GetAsync("openapi/v1.json"));
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/recommendations/products/{id}", out var product), "the product route is described");
        Assert.True(paths.TryGetProperty("/api/recommendations/trending", out _), "the trending route is described");
        Assert.Contains("bought", product.GetProperty("get").GetProperty("summary").GetString());

        // Not in the service the tests run as Production would: the fixture's runs as Testing.
        using var hidden = await service.Client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    private Task<int> Product(string category) => RecommendationsService.CreateProductAsync(service.Catalog, category);

    private async Task Order(params (int Product, int Quantity)[] lines)
    {
        var id = Guid.NewGuid();
        await Bus.Publish(Submitted(id, lines));
        await Bus.Publish(new OrderPaid(id));
    }
}
