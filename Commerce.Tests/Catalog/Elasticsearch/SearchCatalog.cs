using System.Text.Json;
using Commerce.Catalog;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// A Catalog started as Program starts it with <c>ConnectionStrings:search</c> set, on its own
/// database, Redis key prefix, RabbitMQ virtual host and index alias.
/// </summary>
internal static class SearchCatalog
{
    public static async Task<KestrelApp> StartAsync(string searchConnection, string alias, Dictionary<string, string?>? extra = null)
    {
        var servers = await TestServers.GetAsync();
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:catalogdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("catalogsearch")) + ";Persist Security Info=true";
        settings["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        settings["ConnectionStrings:messaging"] = await servers.RabbitMq.CreateVirtualHostAsync($"catalog-search-{Guid.NewGuid():N}");
        settings["ConnectionStrings:search"] = searchConnection;
        settings["Catalog:CacheKeyPrefix"] = $"catalog-search-{Guid.NewGuid():N}";
        settings["Catalog:Elasticsearch:IndexAlias"] = alias;
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return await KestrelApp.StartServiceAsync(CatalogApp.Build, settings, CatalogApp.InitializeAsync);
    }

    /// <summary>Polls <c>/health</c> until the <c>search</c> check has <paramref name="status"/>; returns the whole report.</summary>
    public static async Task<JsonElement> WaitForSearchHealthAsync(HttpClient client, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var body = default(JsonElement);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("health");
            body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (body.GetProperty("checks").TryGetProperty("search", out var search) && search.GetProperty("status").GetString() == status)
            {
                return body;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"The search health check never became {status}: {body}");
        return body;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string[] Names(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();
}
