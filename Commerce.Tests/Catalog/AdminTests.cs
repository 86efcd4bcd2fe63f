using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Catalog;

public sealed class AdminTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    private static object NewProduct(string sku, decimal price = 49.90m, int stock = 5, string brand = "Stridewell") => new
    {
        sku, name = $"Test Product {sku}", description = "Made for a test.", brand, category = "Running Shoes", price, currency = "EUR", availableStock = stock,
    };

    private async Task<System.Text.Json.JsonElement> CreateAsync(HttpClient admin, string sku, int stock = 5, string brand = "Stridewell")
    {
        using var response = await admin.PostAsJsonAsync("api/catalog/products", NewProduct(sku, stock: stock, brand: brand));
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    private static string Sku() => $"TST-{Guid.NewGuid():N}"[..20].ToUpperInvariant();

    [Fact]
    public async Task Admin_creates_updates_and_deletes_a_product()
    {
        using var admin = catalog.AdminClient();
        var sku = Sku();
        using var created = await admin.PostAsJsonAsync("api/catalog/products", NewProduct(sku, stock: 7, brand: "Brand New Co"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await CatalogService.JsonAsync(created);
        var id = product.GetProperty("id").GetInt32();
        Assert.Equal($"/api/catalog/products/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(7, product.GetProperty("availableStock").GetInt32());
        var brands = await catalog.GetJsonAsync("api/catalog/brands");
        Assert.Contains(brands.EnumerateArray(), b => b.GetProperty("name").GetString() == "Brand New Co");

        using var updated = await admin.PutAsJsonAsync($"api/catalog/products/{id}", new
        {
            sku, name = "Renamed Product", description = "Still a test.", brand = "Stridewell", category = "Running Shoes", price = 59.90m, currency = "EUR",
            version = product.GetProperty("version").GetInt32(),
        });
        var updatedBody = await CatalogService.JsonAsync(updated);
        Assert.True(updated.StatusCode == HttpStatusCode.OK, updatedBody.ToString());
        Assert.Equal(59.90m, updatedBody.GetProperty("price").GetDecimal());
        Assert.Equal("Renamed Product", (await catalog.GetJsonAsync($"api/catalog/products/{id}")).GetProperty("name").GetString());

        using var deleted = await admin.DeleteAsync($"api/catalog/products/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await catalog.Client.GetAsync($"api/catalog/products/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var deletedAgain = await admin.DeleteAsync($"api/catalog/products/{id}");
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [Fact]
    public async Task Update_with_a_stale_version_is_409_and_changes_nothing()
    {
        using var admin = catalog.AdminClient();
        var product = await CreateAsync(admin, Sku());
        var id = product.GetProperty("id").GetInt32();
        var version = product.GetProperty("version").GetInt32();
        object Edit(string name) => new
        {
            sku = product.GetProperty("sku").GetString(), name, description = "x", brand = "Stridewell", category = "Running Shoes", price = 10m, currency = "EUR", version,
        };

        using var first = await admin.PutAsJsonAsync($"api/catalog/products/{id}", Edit("First edit"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await admin.PutAsJsonAsync($"api/catalog/products/{id}", Edit("Second edit from a stale read"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version", (await CatalogService.JsonAsync(second)).GetProperty("detail").GetString());
        Assert.Equal("First edit", (await catalog.GetJsonAsync($"api/catalog/products/{id}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Duplicate_sku_is_409_on_create_and_on_update()
    {
        using var admin = catalog.AdminClient();
        var sku = Sku();
        await CreateAsync(admin, sku);
        using var again = await admin.PostAsJsonAsync("api/catalog/products", NewProduct(sku));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains(sku, (await CatalogService.JsonAsync(again)).GetProperty("detail").GetString());

        var other = await CreateAsync(admin, Sku());
        using var clash = await admin.PutAsJsonAsync($"api/catalog/products/{other.GetProperty("id").GetInt32()}", new
        {
            sku, name = "n", description = "d", brand = "Stridewell", category = "Running Shoes", price = 10m, currency = "EUR", version = other.GetProperty("version").GetInt32(),
        });
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
    }

    [Fact]
    public async Task Stock_adjustment_adds_and_removes_but_never_below_zero()
    {
        using var admin = catalog.AdminClient();
        var id = (await CreateAsync(admin, Sku(), stock: 3)).GetProperty("id").GetInt32();

        using var add = await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = 5 });
        Assert.Equal(8, (await CatalogService.JsonAsync(add)).GetProperty("availableStock").GetInt32());
        using var remove = await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = -8 });
        Assert.Equal(0, (await CatalogService.JsonAsync(remove)).GetProperty("availableStock").GetInt32());

        using var below = await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = -1 });
        Assert.Equal(HttpStatusCode.Conflict, below.StatusCode);
        Assert.Contains("below zero", (await CatalogService.JsonAsync(below)).GetProperty("detail").GetString());
        Assert.Equal(0, (await catalog.GetJsonAsync($"api/catalog/products/{id}")).GetProperty("availableStock").GetInt32());

        using var zero = await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        using var unknown = await admin.PostAsJsonAsync("api/catalog/products/987654/stock", new { delta = 1 });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Concurrent_removals_never_take_stock_below_zero()
    {
        using var admin = catalog.AdminClient();
        var id = (await CreateAsync(admin, Sku(), stock: 10)).GetProperty("id").GetInt32();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var r = await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = -1 });
            return r.StatusCode;
        }));
        Assert.Equal(10, attempts.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(20, attempts.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(0, (await catalog.GetJsonAsync($"api/catalog/products/{id}")).GetProperty("availableStock").GetInt32());
    }

    public static TheoryData<string, string, string?> AdminRoutes => new()
    {
        { "POST", "api/catalog/products", """{"sku":"AUTH-0001","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":1}""" },
        { "PUT", "api/catalog/products/1", """{"sku":"AUTH-0001","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":1,"version":1}""" },
        { "DELETE", "api/catalog/products/1", null },
        { "POST", "api/catalog/products/1/stock", """{"delta":5}""" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_routes_need_a_token_and_the_admin_role(string method, string path, string? body)
    {
        HttpRequestMessage Request() => new(new HttpMethod(method), path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var before = await catalog.GetJsonAsync("api/catalog/products/1");

        using var anonymous = await catalog.Client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var buyer = catalog.ClientWith(TestTokens.For("buyer-42"));
        using var forbidden = await buyer.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var forged = catalog.ClientWith(TestTokens.Admin() + "x");
        using var badSignature = await forged.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.StatusCode);

        var after = await catalog.GetJsonAsync("api/catalog/products/1");
        Assert.Equal(before.ToString(), after.ToString());
    }
}
