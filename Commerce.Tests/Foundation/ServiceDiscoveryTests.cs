using Commerce.ServiceDefaults.Discovery;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class ServiceDiscoveryTests
{
    [Fact]
    public void Https_is_preferred_over_http()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "http://127.0.0.1:5101",
            ["services:catalog:https:0"] = "https://127.0.0.1:7101",
            ["services:cart:http:0"] = "http://127.0.0.1:5102",
        }).Build();
        var resolver = new ServiceEndpointResolver(config);

        Assert.Equal(new Uri("https://127.0.0.1:7101/"), resolver.Resolve("catalog"));
        Assert.Equal(new Uri("http://127.0.0.1:5102/"), resolver.Resolve("cart"));
        Assert.False(resolver.TryResolve("ordering", out _));
    }

    [Fact]
    public void A_value_that_is_not_an_address_is_reported()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "not a url",
        }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceEndpointResolver(config).Resolve("catalog"));
        Assert.Contains("services:catalog:http:0", ex.Message);
    }

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
