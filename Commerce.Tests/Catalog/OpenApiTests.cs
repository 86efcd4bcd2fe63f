using System.Net;
using Commerce.Catalog;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Catalog;

public sealed class OpenApiTests
{
    [Theory]
    [InlineData("Development", HttpStatusCode.OK)]
    [InlineData("Production", HttpStatusCode.NotFound)]
    public async Task Swagger_ui_is_served_in_development_only_and_the_document_always(string environment, HttpStatusCode swagger)
    {
        var servers = await TestServers.GetAsync();
        var settings = TestTokens.ServiceSettings();
        settings["environment"] = environment;
        settings["ConnectionStrings:catalogdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("catalog_openapi"));
        settings["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        settings["ConnectionStrings:messaging"] = await servers.RabbitMq.CreateVirtualHostAsync($"catalog-openapi-{Guid.NewGuid():N}");
        settings["Catalog:CacheKeyPrefix"] = $"openapi-{Guid.NewGuid():N}";
        await using var app = await KestrelApp.StartServiceAsync(CatalogApp.Build, settings, CatalogApp.InitializeAsync);
        using var client = app.CreateClient();

        using var ui = await client.GetAsync("swagger/index.html");
        Assert.Equal(swagger, ui.StatusCode);
        using var document = await client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var json = await CatalogService.JsonAsync(document);
        foreach (var path in (string[])["/api/catalog/products", "/api/catalog/products/{id}", "/api/catalog/products/{id}/stock", "/api/catalog/suggest", "/api/catalog/brands"])
        {
            Assert.True(json.GetProperty("paths").TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }
    }
}
