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
        settings["ConnectionStrings:catalogdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("catalog_openapi")) + ";Persist Security Info=true";
        settings["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        // Not used by the catalog yet; set so that the test keeps working once it consumes order events.
        settings["ConnectionStrings:messaging"] = servers.RabbitMq.ConnectionString();
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
