using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Commerce.Tests.Catalog;

/// <summary>Every kind of bad input gets a ProblemDetails 4xx that says what to fix, changes nothing, and is never a 500.</summary>
public sealed class BadInputTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? mentions = null)
    {
        var body = await CatalogService.JsonAsync(response);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("traceId", out _), body.ToString());
        if (mentions is not null)
        {
            Assert.Contains(mentions, body.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        return body;
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-3", "page")]
    [InlineData("pageSize=10000", "page size")]
    [InlineData("pageSize=0", "page size")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=1e9", "pageSize")]
    [InlineData("minPrice=-1", "minimum price")]
    [InlineData("maxPrice=-0.01", "maximum price")]
    [InlineData("minPrice=abc", "minPrice")]
    [InlineData("maxPrice=12,5x", "maxPrice")]
    [InlineData("minPrice=100&maxPrice=10", "above the maximum")]
    [InlineData("sort=cheapest", "sort must be one of")]
    [InlineData("ids=1,two,3", "not a product id")]
    [InlineData("ids=-1", "not a product id")]
    [InlineData("ids=,", "comma-separated")]
    [InlineData("page=99999999999", "page")]
    public async Task Bad_list_parameters_are_400(string query, string mentions)
    {
        using var response = await catalog.Client.GetAsync($"api/catalog/products?{query}");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, mentions);
    }

    [Fact]
    public async Task Too_many_ids_is_400()
    {
        using var response = await catalog.Client.GetAsync($"api/catalog/products?ids={string.Join(',', Enumerable.Range(1, 101))}");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "at most 100");
    }

    [Fact]
    public async Task A_10_kb_query_string_is_400_not_414()
    {
        var q = new string('a', 10 * 1024);
        using var list = await catalog.Client.GetAsync($"api/catalog/products?q={q}");
        await AssertProblemAsync(list, HttpStatusCode.BadRequest, "at most 200 characters");
        using var suggest = await catalog.Client.GetAsync($"api/catalog/suggest?q={q}");
        await AssertProblemAsync(suggest, HttpStatusCode.BadRequest, "at most 200 characters");
    }

    [Theory]
    [InlineData("'; DROP TABLE products; --")]
    [InlineData("shoes' OR '1'='1")]
    [InlineData("\" OR 1=1 --")]
    [InlineData("running & | ! ( ) : * <-> shoes")]
    [InlineData("%_\\'\\\\")]
    [InlineData("$1 $$ ::text")]
    [InlineData("跑鞋")]
    [InlineData("Café crème brûlée")]
    [InlineData("👟🏃‍♀️")]
    [InlineData("\u202Eevil right-to-left")]
    [InlineData("e\u0301\u0301\u0301")]
    [InlineData("ｒｕｎｎｉｎｇ")]
    public async Task Any_text_in_q_is_a_search_never_an_error(string q)
    {
        using var list = await catalog.Client.GetAsync($"api/catalog/products?q={Uri.EscapeDataString(q)}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var page = await CatalogService.JsonAsync(list);
        Assert.Equal(page.GetProperty("items").GetArrayLength(), Math.Min(20, page.GetProperty("total").GetInt64()));
        using var suggest = await catalog.Client.GetAsync($"api/catalog/suggest?q={Uri.EscapeDataString(q)}");
        Assert.Equal(HttpStatusCode.OK, suggest.StatusCode);

        Assert.Equal(240, (await catalog.GetJsonAsync("api/catalog/products?pageSize=1")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Full_width_letters_search_like_plain_ones()
    {
        var wide = await catalog.GetJsonAsync($"api/catalog/products?q={Uri.EscapeDataString("ｒｕｎｎｉｎｇ")}");
        var plain = await catalog.GetJsonAsync("api/catalog/products?q=running");
        Assert.True(plain.GetProperty("total").GetInt64() > 0);
        Assert.Equal(plain.GetProperty("total").GetInt64(), wide.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("api/catalog/products/987654")]
    [InlineData("api/catalog/products/987654/image")]
    [InlineData("api/catalog/products/abc")]
    [InlineData("api/catalog/products/99999999999")]
    public async Task Unknown_products_are_404_problems(string path)
    {
        using var response = await catalog.Client.GetAsync(path);
        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadProducts => new()
    {
        { """{"sku":"BAD-0001","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":-5}""", "greater than zero" },
        { """{"sku":"BAD-0002","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":0}""", "greater than zero" },
        { """{"sku":"BAD-0003","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":1.999}""", "two decimals" },
        { """{"sku":"BAD-0004","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":"abc"}""", "price" },
        { """{"sku":"BAD-0005","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":1e30}""", "price" },
        { """{"sku":"BAD-0006","name":"","description":"d","brand":"Stridewell","category":"Running Shoes","price":5}""", "name is required" },
        { """{"sku":"x","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":5}""", "sku" },
        { """{"sku":"BAD-0008","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":5,"currency":"euro"}""", "currency" },
        { """{"sku":"BAD-0009","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":5,"availableStock":-1}""", "stock" },
        { """{"sku":"BAD-0010","name":"n","description":"d","brand":"Stridewell","category":"Running Shoes","price":5,""", "json" },
        { """not json at all""", "json" },
        { """[]""", "json" },
    };

    [Theory]
    [MemberData(nameof(BadProducts))]
    public async Task Bad_products_are_400_and_nothing_is_created(string json, string mentions)
    {
        using var admin = catalog.AdminClient();
        using var response = await admin.PostAsync("api/catalog/products", new StringContent(json, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, mentions);
        Assert.Equal(240, (await catalog.GetJsonAsync("api/catalog/products?pageSize=1")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Bad_updates_change_nothing()
    {
        using var admin = catalog.AdminClient();
        var before = await catalog.GetJsonAsync("api/catalog/products/20");
        var version = before.GetProperty("version").GetInt32();
        string Edit(string price, string extra = "") =>
            $$"""{"sku":"{{before.GetProperty("sku").GetString()}}","name":"changed","description":"d","brand":"Stridewell","category":"Running Shoes","price":{{price}}{{extra}}}""";

        (string Body, HttpStatusCode Status, string Mentions)[] cases =
        [
            (Edit("-1", $",\"version\":{version}"), HttpStatusCode.BadRequest, "greater than zero"),
            (Edit("\"cheap\"", $",\"version\":{version}"), HttpStatusCode.BadRequest, "price"),
            (Edit("10"), HttpStatusCode.BadRequest, "version is required"),
            (Edit("10", $",\"version\":{version + 5}"), HttpStatusCode.Conflict, "changed by someone else"),
            (Edit("10", ",\"version\":\"one\""), HttpStatusCode.BadRequest, "version"),
            ("{\"sku\":", HttpStatusCode.BadRequest, "json"),
        ];
        foreach (var (body, status, mentions) in cases)
        {
            using var response = await admin.PutAsync("api/catalog/products/20", new StringContent(body, Encoding.UTF8, "application/json"));
            await AssertProblemAsync(response, status, mentions);
        }

        using var unknown = await admin.PutAsync("api/catalog/products/987654", new StringContent(Edit("10", ",\"version\":1"), Encoding.UTF8, "application/json"));
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(before.ToString(), (await catalog.GetJsonAsync("api/catalog/products/20")).ToString());
    }

    [Theory]
    [InlineData("""{"delta":-100000}""", HttpStatusCode.Conflict, "below zero")]
    [InlineData("""{"delta":0}""", HttpStatusCode.BadRequest, "non-zero")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "delta is required")]
    [InlineData("""{"delta":"five"}""", HttpStatusCode.BadRequest, "delta")]
    [InlineData("""{"delta":2147483647}""", HttpStatusCode.Conflict, "largest")]
    [InlineData("""{"delta":1.5}""", HttpStatusCode.BadRequest, "delta")]
    [InlineData("""{"delta":""", HttpStatusCode.BadRequest, "json")]
    public async Task Bad_stock_adjustments_change_nothing(string json, HttpStatusCode status, string mentions)
    {
        using var admin = catalog.AdminClient();
        var before = await catalog.GetJsonAsync("api/catalog/products/21");
        using var response = await admin.PostAsync("api/catalog/products/21/stock", new StringContent(json, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, status, mentions);
        Assert.Equal(before.GetProperty("availableStock").GetInt32(), (await catalog.GetJsonAsync("api/catalog/products/21")).GetProperty("availableStock").GetInt32());
    }
}
