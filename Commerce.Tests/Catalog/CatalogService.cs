using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Catalog;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Catalog;

/// <summary>
/// A Catalog started exactly as Program starts it, on its own database and Redis key prefix, on
/// real Kestrel. One per test class (xunit class fixture) or per test where a test needs its own.
/// </summary>
public sealed class CatalogService : IAsyncLifetime
{
    public KestrelApp App { get; private set; } = null!;
    public string DatabaseName { get; } = PostgresServer.UniqueDatabaseName("catalog");
    public string CachePrefix { get; } = $"catalog-{Guid.NewGuid():N}";
    public HttpClient Client { get; private set; } = null!;
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        ConnectionString = servers.Postgres.ConnectionString(DatabaseName);
        App = await StartAsync(ConnectionString, servers.Redis.ConnectionString, CachePrefix);
        Client = App.CreateClient();
    }

    /// <param name="messaging">The broker virtual host to use; a new one (no other service on it) when null.</param>
    public static async Task<KestrelApp> StartAsync(string connectionString, string redis, string cachePrefix, string? messaging = null)
    {
        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:catalogdb"] = connectionString;
        settings["ConnectionStrings:cache"] = redis;
        settings["ConnectionStrings:messaging"] = messaging ?? await (await TestServers.GetAsync()).RabbitMq.CreateVirtualHostAsync($"catalog-{Guid.NewGuid():N}");
        settings["Catalog:CacheKeyPrefix"] = cachePrefix;
        return await KestrelApp.StartServiceAsync(CatalogApp.Build, settings, CatalogApp.InitializeAsync);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    public HttpClient AdminClient() => ClientWith(TestTokens.Admin());

    public HttpClient ClientWith(string token)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"Expected JSON, got {(int)response.StatusCode}: {text}");
            throw;
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var body = await JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);
}
