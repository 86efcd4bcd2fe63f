using System.Text.Json;

namespace Commerce.Tests.Catalog;

/// <summary>The relevance table's check, the same for PostgreSQL and Elasticsearch.</summary>
public static class SearchRelevance
{
    /// <summary>The relevance table's query, as every search engine gets it.</summary>
    public static string Path(string query) => $"api/catalog/products?q={Uri.EscapeDataString(query)}&pageSize=10";

    /// <summary>The first three results carry <paramref name="expected"/>, and the facets add up to the total.</summary>
    public static void AssertBestMatchesFirst(JsonElement page, string query, string field, string expected)
    {
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.True(items.Length >= 3, $"'{query}' found {items.Length} products");
        foreach (var item in items.Take(3))
        {
            Assert.Contains(expected, item.GetProperty(field).GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(page.GetProperty("total").GetInt64(),
            page.GetProperty("facets").GetProperty("brands").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64()));
    }
}
