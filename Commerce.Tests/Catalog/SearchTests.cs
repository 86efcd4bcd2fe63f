using System.Text.Json;

namespace Commerce.Tests.Catalog;

public sealed class SearchTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    /// <summary>Queries shoppers type (typos and half-typed words included) and what must come first.</summary>
    public static TheoryData<string, string, string> Relevance => new()
    {
        // query, field, the value every one of the first three results must contain
        { "running shoes", "category", "Running Shoes" },
        { "runing shoes", "category", "Running Shoes" },
        { "runnig shoe", "category", "Running Shoes" },
        { "trail running", "name", "Trail Running Shoes" },
        { "headphnes", "category", "Headphones" },
        { "noise cancelling", "name", "Noise Cancelling" },
        { "espreso machine", "name", "Espresso Machine" },
        { "northpeak rain jacket", "name", "Rain Jacket" },
        { "cast iron", "name", "Cast Iron Skillet" },
        { "smartw", "category", "Smartwatches" },
        { "yoga", "name", "Yoga Mat" },
        { "merino", "name", "Merino Wool T-Shirt" },
        { "brewmaster", "brand", "Brewmaster" },
        { "BREWMASTR", "brand", "Brewmaster" },
        { "waterproof hiking boots", "category", "Hiking Boots" },
        { "gps watch", "category", "Smartwatches" },
        { "laptop backpak", "name", "Laptop Backpack" },
    };

    [Theory]
    [MemberData(nameof(Relevance))]
    public async Task The_best_matches_come_first(string query, string field, string expected)
    {
        SearchRelevance.AssertBestMatchesFirst(await catalog.GetJsonAsync(SearchRelevance.Path(query)), query, field, expected);
    }

    [Fact]
    public async Task Name_outranks_brand_and_brand_outranks_description()
    {
        // "trail" is in names (Trail Running Shoes, Trailhead backpacks), in a brand (Urban Trail)
        // and in descriptions ("on the trail"): the weights must order them in that way.
        var page = await catalog.GetJsonAsync("api/catalog/products?q=trail&pageSize=100");
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        var classes = items.Select(i =>
            i.GetProperty("name").GetString()!.Contains("Trail", StringComparison.Ordinal) ? 0
            : i.GetProperty("brand").GetString()!.Contains("Trail", StringComparison.Ordinal) ? 1
            : 2).ToArray();
        Assert.Contains(0, classes);
        Assert.Contains(1, classes);
        Assert.Contains(2, classes);
        Assert.Equal(classes.Order(), classes);
    }

    [Fact]
    public async Task Search_combines_with_filters_and_sort()
    {
        var page = await catalog.GetJsonAsync("api/catalog/products?q=shoes&brand=Aerolite&sort=price_asc&pageSize=100");
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("Aerolite", i.GetProperty("brand").GetString()));
        var prices = items.Select(i => i.GetProperty("price").GetDecimal()).ToArray();
        Assert.Equal(prices.Order(), prices);
        // The brand facet ignores the brand filter: other brands that make shoes are offered too.
        Assert.True(page.GetProperty("facets").GetProperty("brands").GetArrayLength() > 1);
    }

    [Fact]
    public async Task A_query_that_matches_nothing_is_an_empty_page()
    {
        var page = await catalog.GetJsonAsync("api/catalog/products?q=zzqxv");
        Assert.Equal(0, page.GetProperty("total").GetInt64());
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("runn", "Running")]
    [InlineData("espr", "Espresso")]
    [InlineData("headphnes", "Headphones")]
    public async Task Suggest_completes_what_is_typed(string typed, string expected)
    {
        var body = await catalog.GetJsonAsync($"api/catalog/suggest?q={typed}");
        var suggestions = body.GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()!).ToArray();
        Assert.InRange(suggestions.Length, 1, 8);
        Assert.All(suggestions, s => Assert.Contains(expected, s, StringComparison.Ordinal));
        Assert.Equal(suggestions.Length, suggestions.Distinct().Count());
    }

    [Fact]
    public async Task Suggest_falls_back_to_brand_and_category_when_no_name_matches()
    {
        var body = await catalog.GetJsonAsync("api/catalog/suggest?q=brewm");
        var suggestions = body.GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()!).ToArray();
        Assert.NotEmpty(suggestions);
        var brewmaster = await catalog.GetJsonAsync("api/catalog/products?brand=Brewmaster&pageSize=100");
        var names = brewmaster.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToHashSet();
        Assert.All(suggestions, s => Assert.Contains(s, names));
    }

    [Fact]
    public async Task Suggest_with_nothing_typed_is_empty()
    {
        var body = await catalog.GetJsonAsync("api/catalog/suggest?q=");
        Assert.Equal(JsonValueKind.Array, body.GetProperty("suggestions").ValueKind);
        Assert.Equal(0, body.GetProperty("suggestions").GetArrayLength());
    }
}
