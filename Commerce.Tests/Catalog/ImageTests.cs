using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Xml.Linq;

namespace Commerce.Tests.Catalog;

public sealed class ImageTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    [Fact]
    public async Task Each_product_has_an_svg_with_etag_and_cache_control_and_304_when_unchanged()
    {
        var product = await catalog.GetJsonAsync("api/catalog/products/1");
        using var response = await catalog.Client.GetAsync(product.GetProperty("imageUrl").GetString()!.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Contains(product.GetProperty("name").GetString()!, svg.Root.Value);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.True(response.Headers.CacheControl?.MaxAge >= TimeSpan.FromHours(1));

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "api/catalog/products/1/image");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await catalog.Client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = await catalog.Client.GetAsync("api/catalog/products/2/image");
        Assert.NotEqual(etag, other.Headers.ETag);
    }

    [Fact]
    public async Task Renaming_a_product_changes_its_image_etag()
    {
        using var first = await catalog.Client.GetAsync("api/catalog/products/3/image");
        var product = await catalog.GetJsonAsync("api/catalog/products/3");
        using var admin = catalog.AdminClient();
        using var put = await admin.PutAsJsonAsync("api/catalog/products/3", new
        {
            sku = product.GetProperty("sku").GetString(), name = "Brand new name <&>", description = "d", brand = product.GetProperty("brand").GetString(),
            category = product.GetProperty("category").GetString(), price = 10m, currency = "EUR", version = product.GetProperty("version").GetInt32(),
        });
        put.EnsureSuccessStatusCode();

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "api/catalog/products/3/image");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await catalog.Client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        // Markup in a name is escaped, so the SVG stays well-formed.
        Assert.Contains("Brand new name <&>", XDocument.Parse(await second.Content.ReadAsStringAsync()).Root!.Value);
    }
}
