using Commerce.ServiceDefaults.Http;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class ServiceDiscoveryTests
{
    [Fact]
    public async Task A_typed_client_calls_the_service_at_the_configured_address()
    {
        await using var catalog = await KestrelApp.StartAsync(_ => { }, a => a.MapGet("/ping", () => "catalog here"));
        await using var caller = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.AddServiceHttpClient<CatalogPing>("catalog");
            },
            a => a.MapGet("/", (CatalogPing ping) => ping.PingAsync()),
            new Dictionary<string, string?> { ["services:catalog:http:0"] = catalog.BaseAddress.ToString() });
        using var client = caller.CreateClient();

        Assert.Equal("catalog here", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_missing_address_fails_at_start_up_naming_the_key()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.AddServiceHttpClient<CatalogPing>("catalog");
            },
            _ => { }));
        Assert.Contains("services:catalog:http:0", ex.Message);
        Assert.Contains("services__catalog__http__0", ex.Message);
    }

    public sealed class CatalogPing(HttpClient http)
    {
        public Task<string> PingAsync() => http.GetStringAsync("ping");
    }
}
