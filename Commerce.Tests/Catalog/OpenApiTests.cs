using System.Net;
using Commerce.Cart;
using Commerce.Catalog;
using Commerce.Ordering;
using Commerce.Tests.Cart;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Catalog;

/// <summary>The services describe their APIs (OpenAPI, and Catalog's Swagger UI) to developers only: in Development.</summary>
public sealed class OpenApiTests
{
    [Theory]
    [InlineData("Development", HttpStatusCode.OK)]
    [InlineData("Production", HttpStatusCode.NotFound)]
    public async Task Api_documents_and_swagger_ui_are_served_in_development_only(string environment, HttpStatusCode expected)
    {
        var servers = await TestServers.GetAsync();
        var scope = Guid.NewGuid().ToString("N");
        var messaging = await servers.RabbitMq.CreateVirtualHostAsync($"openapi-{scope}");

        var catalogSettings = TestTokens.ServiceSettings();
        catalogSettings["environment"] = environment;
        catalogSettings["ConnectionStrings:catalogdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("catalog_openapi"));
        catalogSettings["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        catalogSettings["ConnectionStrings:messaging"] = messaging;
        catalogSettings["Catalog:CacheKeyPrefix"] = $"openapi-{scope}";
        await using var catalog = await KestrelApp.StartServiceAsync(CatalogApp.Build, catalogSettings, CatalogApp.InitializeAsync);

        var cartSettings = CartServices.Settings(servers.Redis.ConnectionString, messaging, catalog.BaseAddress, $"openapi-{scope}:cart:");
        cartSettings["environment"] = environment;
        await using var cart = await KestrelApp.StartServiceAsync(CartApp.Build, cartSettings, CartApp.InitializeAsync);

        var orderingSettings = TestTokens.ServiceSettings();
        orderingSettings["environment"] = environment;
        orderingSettings["ConnectionStrings:orderingdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("ordering_openapi"));
        orderingSettings["ConnectionStrings:messaging"] = messaging;
        orderingSettings["services:catalog:http:0"] = catalog.BaseAddress.ToString();
        orderingSettings["services:cart:http:0"] = cart.BaseAddress.ToString();
        await using var ordering = await KestrelApp.StartServiceAsync(OrderingApp.Build, orderingSettings, OrderingApp.InitializeAsync);

        using (var client = catalog.CreateClient())
        {
            using var ui = await client.GetAsync("swagger/index.html");
            Assert.Equal(expected, ui.StatusCode);
        }

        foreach (var (app, paths) in (ValueTuple<KestrelApp, string[]>[])[
                     (catalog, ["/api/catalog/products", "/api/catalog/products/{id}", "/api/catalog/products/{id}/stock", "/api/catalog/suggest", "/api/catalog/brands"]),
                     (cart, ["/api/cart", "/api/cart/items/{productId}", "/api/cart/merge"]),
                     (ordering, ["/api/orders/{id}", "/api/orders/{id}/cancel"])])
        {
            using var client = app.CreateClient();
            using var document = await client.GetAsync("openapi/v1.json");
            Assert.True(expected == document.StatusCode, $"{app.BaseAddress}openapi/v1.json answered {(int)document.StatusCode} in {environment}");
            if (expected == HttpStatusCode.OK)
            {
                var json = await CatalogService.JsonAsync(document);
                foreach (var path in paths)
                {
                    Assert.True(json.GetProperty("paths").TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
                }
            }
        }
    }
}
