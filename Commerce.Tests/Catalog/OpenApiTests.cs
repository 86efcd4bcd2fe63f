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
        var settings = TestTokens.ServiceSettings();
        settings["environment"] = environment;
        // Never reaches the database: the app is built and started without InitializeAsync.
        settings["ConnectionStrings:catalogdb"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none";
        settings["ConnectionStrings:cache"] = "127.0.0.1:1";
        await using var app = await KestrelApp.StartServiceAsync(CatalogApp.Build, settings);
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
